import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { BatchReport } from "@/components/quality/batch-report";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Quality report" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function BatchQualityPage({ params }: { params: Promise<{ batchId: string }> }) {
  const actor = await pageActor();
  if (!hasRole(actor.role, "analyst")) return <AccessDenied needed="analyst" actual={actor.role} />;
  const { batchId } = await params;
  if (!UUID.test(batchId)) notFound();
  return <BatchReport batchId={batchId} canPromote={hasRole(actor.role, "admin")} />;
}
