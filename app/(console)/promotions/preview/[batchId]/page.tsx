import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { PromotionPreview } from "@/components/promotions/promotion-preview";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Review promotion" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function PromotionPreviewPage({ params }: { params: Promise<{ batchId: string }> }) {
  const actor = await pageActor();
  if (!hasRole(actor.role, "admin")) return <AccessDenied needed="admin" actual={actor.role} />;
  const { batchId } = await params;
  if (!UUID.test(batchId)) notFound();
  return <PromotionPreview batchId={batchId} />;
}
