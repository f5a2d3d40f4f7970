import type { Metadata } from "next";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { UploadWorkspace } from "@/components/upload/upload-workspace";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Upload" };

export default async function UploadPage({
  searchParams,
}: {
  searchParams: Promise<{ dataset?: string | string[] }>;
}) {
  const actor = await pageActor();
  if (!hasRole(actor.role, "analyst")) return <AccessDenied needed="analyst" actual={actor.role} />;
  const { dataset } = await searchParams;
  return <UploadWorkspace initialDataset={typeof dataset === "string" ? dataset : null} />;
}
