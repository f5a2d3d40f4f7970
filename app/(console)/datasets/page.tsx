import type { Metadata } from "next";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { DatasetList } from "@/components/datasets/dataset-list";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Datasets" };

export default async function DatasetsPage() {
  const actor = await pageActor();
  if (!hasRole(actor.role, "analyst")) return <AccessDenied needed="analyst" actual={actor.role} />;
  return <DatasetList canEdit={hasRole(actor.role, "admin")} />;
}
