"use client";

import type { RouterOutputs } from "@/trpc/react";

type Health = RouterOutputs["system"]["health"];

/**
 * Database and worker status as the Overview's live stream last sent it (SSE), so it moves
 * without a refresh; `connection` is that stream's state.
 */
export function LiveHealth({ health, connection }: { health: Health | undefined; connection: string }) {
  return (
    <section aria-labelledby="health-title" className="rounded-xl border border-slate-200 bg-white p-5">
      <div className="mb-4 flex items-center justify-between">
        <h2 id="health-title" className="text-sm font-semibold text-slate-700">
          System health
        </h2>
        <span className="flex items-center gap-1.5 text-xs text-slate-500" data-testid="live-status">
          <span
            className={`h-2 w-2 rounded-full ${connection === "live" ? "bg-emerald-500" : connection === "error" ? "bg-red-500" : "bg-amber-400"}`}
          />
          {connection}
        </span>
      </div>
      <dl className="grid grid-cols-3 gap-4">
        <Stat label="Status" value={health?.status ?? "…"} tone={health?.status === "ok" ? "good" : "warn"} />
        <Stat
          label="Database"
          value={health?.database ?? "…"}
          tone={health?.database === "ok" ? "good" : "warn"}
        />
        <Stat
          label="Workers alive"
          value={health ? String(health.workers) : "…"}
          tone={health?.workers ? "good" : "warn"}
          testId="workers-alive"
        />
      </dl>
      <p className="mt-3 text-xs text-slate-400">
        Last update {health ? new Date(health.checkedAt).toLocaleTimeString() : "—"}
      </p>
    </section>
  );
}

function Stat({
  label,
  value,
  tone,
  testId,
}: {
  label: string;
  value: string;
  tone: "good" | "warn";
  testId?: string;
}) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
      <dd
        data-testid={testId}
        className={`mt-1 text-2xl font-semibold ${tone === "good" ? "text-slate-900" : "text-amber-600"}`}
      >
        {value}
      </dd>
    </div>
  );
}
