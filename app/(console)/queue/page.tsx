import type { Metadata } from "next";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { QueueConsole } from "@/components/queue/queue-console";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Queue" };

export default async function QueuePage() {
  const actor = await pageActor();
  if (!hasRole(actor.role, "operator")) return <AccessDenied needed="operator" actual={actor.role} />;
  return <QueueConsole isAdmin={hasRole(actor.role, "admin")} />;
}
