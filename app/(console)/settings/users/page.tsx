import type { Metadata } from "next";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { UsersAdmin } from "@/components/users/users-admin";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const actor = await pageActor();
  if (!hasRole(actor.role, "admin")) return <AccessDenied needed="admin" actual={actor.role} />;
  return <UsersAdmin currentUserId={actor.id} />;
}
