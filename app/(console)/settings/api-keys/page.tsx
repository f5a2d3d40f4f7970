import type { Metadata } from "next";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { ApiKeysAdmin } from "@/components/api-keys/api-keys-admin";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const actor = await pageActor();
  if (!hasRole(actor.role, "admin")) return <AccessDenied needed="admin" actual={actor.role} />;
  return <ApiKeysAdmin />;
}
