import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { LineageView } from "@/components/lineage/lineage-view";
import { IDENTIFIER } from "@/db/identifiers";
import { rowKeySchema } from "@/promotion/lineage";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Row lineage" };

/** /datasets/{name}/lineage?key={"external_id":42} — the lineage of one production row. */
export default async function RowLineagePage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<{ key?: string }>;
}) {
  const actor = await pageActor();
  if (!hasRole(actor.role, "analyst")) return <AccessDenied needed="analyst" actual={actor.role} />;
  const { name } = await params;
  const { key } = await searchParams;
  if (!IDENTIFIER.test(name) || !key) notFound();
  let rowKey: Record<string, string | number>;
  try {
    rowKey = rowKeySchema.parse(JSON.parse(key));
  } catch {
    notFound();
  }
  return <LineageView dataset={name} rowKey={rowKey} />;
}
