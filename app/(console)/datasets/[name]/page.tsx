import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { DatasetDetail } from "@/components/datasets/dataset-detail";
import { seesPii } from "@/datasets/pii";
import { IDENTIFIER } from "@/db/identifiers";
import { pageActor } from "@/server/page-actor";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Dataset ${(await params).name}` };
}

export default async function DatasetPage({ params }: { params: Promise<{ name: string }> }) {
  const actor = await pageActor();
  if (!hasRole(actor.role, "analyst")) return <AccessDenied needed="analyst" actual={actor.role} />;
  const { name } = await params;
  if (!IDENTIFIER.test(name)) notFound();
  return <DatasetDetail name={name} canEdit={hasRole(actor.role, "admin")} seesPii={seesPii(actor.role)} />;
}
