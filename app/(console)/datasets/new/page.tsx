import type { Metadata } from "next";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { DatasetEditorPage } from "@/components/datasets/definition-editor";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "New dataset" };

export default async function NewDatasetPage() {
  const actor = await pageActor();
  if (!hasRole(actor.role, "admin")) return <AccessDenied needed="admin" actual={actor.role} />;
  return <DatasetEditorPage />;
}
