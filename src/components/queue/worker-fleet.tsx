"use client";

import { formatCount } from "@/format";
import type { RouterOutputs } from "@/trpc/react";
import { Badge } from "../ui/badge";
import { DateTime } from "../ui/date-time";
import { DataTable } from "../ui/table";

type Worker = RouterOutputs["queue"]["overview"]["workers"][number];

/** Every worker process: where, since when, its last heartbeat, what it did and runs now; dead ones marked. */
export function WorkerFleet({ workers }: { workers: Worker[] | undefined }) {
  return (
    <section aria-labelledby="workers-title" className="space-y-2">
      <h2 id="workers-title" className="text-sm font-semibold text-slate-800">
        Workers
      </h2>
      <DataTable<Worker>
        label="Workers"
        rows={workers}
        loading={!workers}
        rowKey={(w) => w.id}
        rowClassName={(w) => (w.state === "alive" ? "" : "text-slate-400")}
        empty={
          <p className="text-center text-sm text-slate-500">No worker has started. Run `npm run worker`.</p>
        }
        columns={[
          { header: "Host", cell: (w) => `${w.host} · pid ${w.pid}` },
          {
            header: "State",
            cell: (w) => (
              <Badge tone={w.state === "alive" ? "good" : w.state === "dead" ? "bad" : "neutral"}>
                {w.state === "dead" ? "dead (heartbeat lost)" : w.state}
              </Badge>
            ),
          },
          { header: "Concurrency", cell: (w) => w.concurrency, className: "text-right tabular-nums" },
          { header: "Started", cell: (w) => <DateTime value={w.startedAt} format="ago" /> },
          { header: "Last heartbeat", cell: (w) => <DateTime value={w.lastHeartbeatAt} format="ago" /> },
          {
            header: "Done / failed",
            cell: (w) => `${formatCount(w.jobsSucceeded)} / ${formatCount(w.jobsFailed)}`,
            className: "text-right tabular-nums",
          },
          {
            header: "Running now",
            grow: true,
            cell: (w) =>
              w.running.length === 0 ? (
                "—"
              ) : (
                <span className="flex flex-wrap gap-x-2">
                  {w.running.map((r) =>
                    r.jobId ? (
                      <a
                        key={`${r.jobId}-${r.task}`}
                        href={`/jobs/${r.jobId}`}
                        className="text-teal-700 hover:underline"
                      >
                        {r.task} ({r.jobId.slice(0, 8)})
                      </a>
                    ) : (
                      <span key={r.task + r.since}>{r.task}</span>
                    ),
                  )}
                </span>
              ),
          },
        ]}
      />
    </section>
  );
}
