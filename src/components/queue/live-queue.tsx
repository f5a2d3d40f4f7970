"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { formatCount, formatDuration } from "@/format";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { Badge } from "../ui/badge";
import { DateTime } from "../ui/date-time";
import { Panel } from "../ui/panel";
import { DataTable } from "../ui/table";

type Overview = RouterOutputs["queue"]["overview"];
type Worker = Overview["workers"][number];

const STATES = ["waiting", "scheduled", "running", "retrying", "failed"] as const;
const PRIORITIES = ["emergency", "high", "standard", "background"] as const;
const STATE_LABEL: Record<(typeof STATES)[number], string> = {
  waiting: "Waiting",
  scheduled: "Scheduled",
  running: "Running",
  retrying: "Retrying",
  failed: "Failed for good",
};

/**
 * For operators: the queue's depth by priority and state, and the worker fleet, streamed from the
 * server (each message a whole snapshot, so a reconnect is current at once).
 */
export function LiveQueue() {
  const trpc = useTRPC();
  const sub = useSubscription(trpc.queue.live.subscriptionOptions());
  const o = sub.data?.data as Overview | undefined;
  return (
    <div className="space-y-4">
      <Panel
        title="Queue"
        description={
          o
            ? `Oldest waiting job: ${o.oldestWaitingSeconds === null ? "none waiting" : formatDuration(o.oldestWaitingSeconds)} · updated ${new Date(o.checkedAt).toLocaleTimeString()}`
            : "Connecting…"
        }
      >
        <div className="overflow-x-auto">
          <table aria-label="Queue depth by priority" className="w-full text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
                <th scope="col" className="py-1.5 pr-3 font-semibold">
                  Priority
                </th>
                {STATES.map((s) => (
                  <th key={s} scope="col" className="px-3 py-1.5 text-right font-semibold">
                    {STATE_LABEL[s]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {PRIORITIES.map((p) => (
                <tr key={p}>
                  <th scope="row" className="py-1.5 pr-3 text-left font-medium capitalize text-slate-700">
                    {p}
                  </th>
                  {STATES.map((s) => {
                    const n = o?.byPriority[p][s] ?? 0;
                    return (
                      <td
                        key={s}
                        data-testid={`depth-${p}-${s}`}
                        className={`px-3 py-1.5 text-right tabular-nums ${n === 0 ? "text-slate-300" : s === "failed" ? "font-semibold text-red-700" : "text-slate-900"}`}
                      >
                        {o ? formatCount(n) : "…"}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
      <section aria-labelledby="workers-title" className="space-y-2">
        <h2 id="workers-title" className="text-sm font-semibold text-slate-800">
          Workers
        </h2>
        <DataTable<Worker>
          label="Workers"
          rows={o?.workers}
          loading={!o}
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
                w.running.length === 0
                  ? "—"
                  : w.running.map((r) => `${r.task}${r.jobId ? ` (${r.jobId.slice(0, 8)})` : ""}`).join(", "),
            },
          ]}
        />
      </section>
    </div>
  );
}
