import type { Metadata } from "next";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { PromotionsOverview } from "@/components/promotions/promotions-overview";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Promotions" };

/** Analysts read the history; promoting and reverting are admins' (the server checks again). */
export default async function PromotionsPage() {
  const actor = await pageActor();
  if (!hasRole(actor.role, "analyst")) return <AccessDenied needed="analyst" actual={actor.role} />;
  return <PromotionsOverview canPromote={hasRole(actor.role, "admin")} />;
}
