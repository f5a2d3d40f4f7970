import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { DatasetQuality } from "@/components/quality/dataset-quality";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Dataset quality" };

export default async function DatasetQualityPage({ params }: { params: Promise<{ name: string }> }) {
  const actor = await pageActor();
  if (!hasRole(actor.role, "analyst")) return <AccessDenied needed="analyst" actual={actor.role} />;
  const { name } = await params;
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) notFound();
  return <DatasetQuality name={name} canCheck={hasRole(actor.role, "operator")} />;
}
