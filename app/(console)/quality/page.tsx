import type { Metadata } from "next";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { QualityOverview } from "@/components/quality/quality-overview";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Quality" };

export default async function QualityPage() {
  const actor = await pageActor();
  if (!hasRole(actor.role, "analyst")) return <AccessDenied needed="analyst" actual={actor.role} />;
  return <QualityOverview />;
}
