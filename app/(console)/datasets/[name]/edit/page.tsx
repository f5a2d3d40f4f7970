import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { DatasetEditorPage } from "@/components/datasets/definition-editor";
import { IDENTIFIER } from "@/db/identifiers";
import { pageActor } from "@/server/page-actor";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Edit ${(await params).name}` };
}

export default async function EditDatasetPage({ params }: { params: Promise<{ name: string }> }) {
  const actor = await pageActor();
  if (!hasRole(actor.role, "admin")) return <AccessDenied needed="admin" actual={actor.role} />;
  const { name } = await params;
  if (!IDENTIFIER.test(name)) notFound();
  return <DatasetEditorPage name={name} />;
}
