import type { Metadata } from "next";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { BackupsOverview } from "@/components/backups/backups-overview";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Backups" };

/** Backups are admins' alone (every procedure checks again). */
export default async function BackupsPage() {
  const actor = await pageActor();
  if (!hasRole(actor.role, "admin")) return <AccessDenied needed="admin" actual={actor.role} />;
  return <BackupsOverview />;
}
