"use client";

import type { ReactNode } from "react";
import { formatCount } from "@/format";
import type { RouterOutputs } from "@/trpc/react";

export type Overview = RouterOutputs["queue"]["overview"];
type Priority = keyof Overview["byPriority"];

export const STATES = ["waiting", "scheduled", "running", "retrying", "failed"] as const;
export const PRIORITIES = ["emergency", "high", "standard", "background"] as const;
export const STATE_LABEL: Record<(typeof STATES)[number], string> = {
  waiting: "Waiting",
  scheduled: "Scheduled",
  running: "Running",
  retrying: "Retrying",
  failed: "Failed for good",
};

/** States whose counts may be estimated for a huge backlog (the rest are always exact). */
const ESTIMABLE = new Set<string>(["waiting", "scheduled"]);

/** A count, or "≈count" with an explanation when it is an estimate. */
export function Count({ n, estimated }: { n: number; estimated: boolean }) {
  if (!estimated) return <>{formatCount(n)}</>;
  return (
    <span title="Estimated from a sample of the queue (it holds too many jobs to count each time)">
      <span aria-hidden="true">≈</span>
      <span className="sr-only">about </span>
      {formatCount(n)}
    </span>
  );
}

export interface ExtraColumn {
  header: ReactNode;
  /** Right-aligned numbers, left-aligned text. */
  align?: "right" | "left";
  cell: (p: Priority) => ReactNode;
  testId?: (p: Priority) => string;
}

/**
 * Queue depth by priority and state: one row per priority, one column per state, estimated counts
 * marked "≈". The Overview shows it bare; the Queue page adds forecast and pause columns.
 */
export function DepthTable({
  o,
  label,
  extra = [],
  rowBadge,
  rowClassName,
}: {
  o: Overview | undefined;
  label: string;
  extra?: ExtraColumn[];
  rowBadge?: (p: Priority) => ReactNode;
  rowClassName?: (p: Priority) => string;
}) {
  const estimated = new Set(o?.estimated?.priorities ?? []);
  return (
    <div className="overflow-x-auto">
      <table aria-label={label} className="w-full text-sm">
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
            {extra.map((c, i) => (
              <th
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed per page
                key={i}
                scope="col"
                className={`px-3 py-1.5 font-semibold ${c.align === "left" ? "" : "text-right"}`}
              >
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {PRIORITIES.map((p) => (
            <tr key={p} className={rowClassName?.(p) ?? ""}>
              <th scope="row" className="py-1.5 pr-3 text-left font-medium capitalize text-slate-700">
                {p} {rowBadge?.(p)}
              </th>
              {STATES.map((s) => {
                const n = o?.byPriority[p][s] ?? 0;
                return (
                  <td
                    key={s}
                    data-testid={`depth-${p}-${s}`}
                    className={`px-3 py-1.5 text-right tabular-nums ${n === 0 ? "text-slate-300" : s === "failed" ? "font-semibold text-red-700" : "text-slate-900"}`}
                  >
                    {o ? <Count n={n} estimated={estimated.has(p) && ESTIMABLE.has(s)} /> : "…"}
                  </td>
                );
              })}
              {extra.map((c, i) => (
                <td
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed per page
                  key={i}
                  data-testid={c.testId?.(p)}
                  className={`px-3 py-1.5 ${c.align === "left" ? "text-xs" : "text-right tabular-nums text-slate-700"}`}
                >
                  {c.cell(p)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {o?.estimated && (
        <p className="mt-2 text-xs text-slate-500" data-testid="depth-estimated">
          ≈ Estimated: the {o.estimated.priorities.join(", ")} queue
          {o.estimated.priorities.length === 1 ? " holds" : "s hold"} too many jobs to count every second, so
          waiting and scheduled there are read from a fixed sample of {o.estimated.sampledPercent} % of the
          queue's pages (within a few per cent). Running, retrying and failed are always exact.
        </p>
      )}
    </div>
  );
}

/** "Oldest waiting job: … · updated …" under a depth table's title. */
export function depthDescription(o: Overview | undefined, formatDuration: (s: number) => string): string {
  if (!o) return "Connecting…";
  const oldest = o.oldestWaitingSeconds === null ? "none waiting" : formatDuration(o.oldestWaitingSeconds);
  return `Oldest waiting job: ${oldest} · updated ${new Date(o.checkedAt).toLocaleTimeString()}`;
}
