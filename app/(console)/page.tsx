import type { Metadata } from "next";
import { LiveHealth } from "@/components/live-health";

export const metadata: Metadata = { title: "Overview" };

export default function OverviewPage() {
  return (
    <div className="max-w-5xl space-y-6">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
        <p className="text-sm text-slate-500">The pipeline at a glance.</p>
      </header>
      <LiveHealth />
    </div>
  );
}
