import type { Metadata } from "next";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { AuditLog } from "@/components/audit/audit-log";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  const actor = await pageActor();
  if (!hasRole(actor.role, "admin")) return <AccessDenied needed="admin" actual={actor.role} />;
  return <AuditLog />;
}
