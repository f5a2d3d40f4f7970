import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { LineageView } from "@/components/lineage/lineage-view";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Batch lineage" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function BatchLineagePage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await pageActor();
  if (!hasRole(actor.role, "analyst")) return <AccessDenied needed="analyst" actual={actor.role} />;
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  return <LineageView batchId={id} />;
}
