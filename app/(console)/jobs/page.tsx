import type { Metadata } from "next";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { JobList } from "@/components/jobs/job-list";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Jobs" };

export default async function JobsPage() {
  const actor = await pageActor();
  if (!hasRole(actor.role, "analyst")) return <AccessDenied needed="analyst" actual={actor.role} />;
  return <JobList />;
}
