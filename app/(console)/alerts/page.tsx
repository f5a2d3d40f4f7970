import type { Metadata } from "next";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { AlertsConsole } from "@/components/alerts/alerts-console";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Alerts" };

export default async function AlertsPage() {
  const actor = await pageActor();
  if (!hasRole(actor.role, "operator")) return <AccessDenied needed="operator" actual={actor.role} />;
  return <AlertsConsole isAdmin={hasRole(actor.role, "admin")} />;
}
