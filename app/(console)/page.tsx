import type { Metadata } from "next";
import { hasRole } from "@/auth/roles";
import { OverviewLive } from "@/components/overview-live";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const actor = await pageActor();
  return (
    <div className="max-w-6xl space-y-6">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
        <p className="text-sm text-slate-500">The pipeline at a glance.</p>
      </header>
      <OverviewLive isOperator={hasRole(actor.role, "operator")} />
    </div>
  );
}
