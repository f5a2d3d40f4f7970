"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { formatCount, formatDuration } from "@/format";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { Panel } from "../ui/panel";
import { WorkerFleet } from "./worker-fleet";

type Overview = RouterOutputs["queue"]["overview"];

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
      <WorkerFleet workers={o?.workers} />
    </div>
  );
}
