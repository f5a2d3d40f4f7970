import type { Metadata } from "next";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { SchedulesOverview } from "@/components/schedules/schedules-overview";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Schedules" };

/** Operators read schedules and run them now; admins also enable, re-time and add pull sources. */
export default async function SchedulesPage() {
  const actor = await pageActor();
  if (!hasRole(actor.role, "operator")) return <AccessDenied needed="operator" actual={actor.role} />;
  return <SchedulesOverview canAdmin={hasRole(actor.role, "admin")} />;
}
