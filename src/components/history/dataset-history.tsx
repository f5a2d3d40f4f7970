"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatCount } from "@/format";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { Badge } from "../ui/badge";
import { DateTime, formatDateTime } from "../ui/date-time";
import { EmptyState } from "../ui/empty-state";
import { type Column, DataTable, Truncate } from "../ui/table";

type History = RouterOutputs["promotions"]["history"];
type HistoryEvent = History["events"][number];

const count = (n: number, sign = "") => (
  <span className="tabular-nums">
    {n ? `${sign}${formatCount(n)}` : <span className="text-slate-300">0</span>}
  </span>
);

function EventBadge({ e }: { e: HistoryEvent }) {
  if (e.kind === "revert") return <Badge tone="warn">revert</Badge>;
  return <Badge tone={e.auto ? "info" : "good"}>{e.auto ? "auto-promotion" : "promotion"}</Badge>;
}

/**
 * A dataset's history: every promotion and revert of its production table over time, with what
 * each changed and production's size after it, as a chart and a table (newest first). Printable.
 */
export function DatasetHistory({ name }: { name: string }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.promotions.history.queryOptions({ dataset: name }));
  const h = history.data;

  const columns: Column<HistoryEvent>[] = [
    {
      header: "When",
      cell: (e) => (
        <span id={e.kind === "promotion" ? `promotion-${e.promotionId}` : undefined} className="scroll-mt-4">
          <DateTime value={e.at} format="seconds" />
        </span>
      ),
    },
    {
      header: "Event",
      cell: (e) => (
        <span className="flex flex-col items-start gap-0.5">
          <EventBadge e={e} />
          <Truncate className="max-w-36 text-[11px] text-slate-500" title={e.by}>
            by {e.by}
          </Truncate>
          {e.kind === "promotion" && e.status === "reverted" && (
            <span className="text-[11px] text-slate-500">reverted since</span>
          )}
        </span>
      ),
    },
    {
      header: "Batch",
      grow: true,
      cell: (e) => (
        <span className="flex flex-col">
          <Link
            href={`/jobs/${e.jobId}`}
            className="block truncate font-medium text-slate-900 hover:text-teal-800 hover:underline"
            title={e.fileName}
          >
            {e.fileName}
          </Link>
          <span className="text-xs text-slate-500">
            <span className="font-mono">{e.mode}</span> mode ·{" "}
            <Link href={`/batches/${e.batchId}/lineage`} className="text-teal-700 hover:underline">
              lineage
            </Link>
          </span>
        </span>
      ),
    },
    {
      header: "Inserted",
      className: "text-right",
      cell: (e) => count(e.inserted, e.kind === "revert" ? "−" : "+"),
    },
    { header: "Updated", className: "text-right", cell: (e) => count(e.updated) },
    { header: "Unchanged", className: "text-right text-slate-500", cell: (e) => count(e.unchanged) },
    {
      header: "Deleted",
      className: "text-right",
      cell: (e) => count(e.deleted, e.kind === "revert" ? "+" : "−"),
    },
    {
      header: "Rows after",
      className: "text-right font-medium text-slate-900",
      cell: (e) => <span className="tabular-nums">{formatCount(e.rowsAfter)}</span>,
    },
  ];

  const chart = h
    ? [...h.events].reverse().map((e) => ({ at: new Date(e.at).getTime(), rows: e.rowsAfter }))
    : [];

  return (
    <div className="max-w-6xl space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500 print:hidden">
        <Link href="/datasets" className="hover:text-slate-800 hover:underline">
          Datasets
        </Link>{" "}
        <span aria-hidden>/</span>{" "}
        <Link href={`/datasets/${name}`} className="font-mono text-xs hover:text-slate-800 hover:underline">
          {name}
        </Link>{" "}
        <span aria-hidden>/</span> <span>history</span>
      </nav>
      <header>
        <h1 className="text-2xl font-semibold tracking-tight">History of {h?.title ?? name}</h1>
        <p className="mt-0.5 text-sm text-slate-500">
          Every promotion and revert of <code className="font-mono text-xs">production.{name}</code>, newest
          first, with what it changed and how many rows production held after it.
        </p>
      </header>

      {history.error && (
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800">
          {history.error.message}
        </div>
      )}

      {h && (
        <dl className="grid grid-cols-3 gap-3 sm:max-w-xl">
          {[
            { label: "Rows in production", value: h.productionRows, testId: "history-rows" },
            { label: "Promotions", value: h.promotions, testId: "history-promotions" },
            { label: "Reverts", value: h.reverts, testId: "history-reverts" },
          ].map((c) => (
            <div key={c.label} className="rounded-lg border border-slate-200 bg-white px-4 py-3">
              <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{c.label}</dt>
              <dd data-testid={c.testId} className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">
                {formatCount(c.value)}
              </dd>
            </div>
          ))}
        </dl>
      )}

      {chart.length > 1 && (
        <section
          aria-labelledby="history-chart-title"
          className="rounded-lg border border-slate-200 bg-white p-4"
        >
          <h2 id="history-chart-title" className="mb-2 text-sm font-semibold text-slate-800">
            Rows in production over time
          </h2>
          <div className="h-48">
            <ResponsiveContainer width="100%" height="100%">
              <AreaChart data={chart} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
                <XAxis
                  dataKey="at"
                  type="number"
                  scale="time"
                  domain={["dataMin", "dataMax"]}
                  tickFormatter={(t: number) => formatDateTime(new Date(t))}
                  tick={{ fontSize: 11, fill: "#64748b" }}
                  minTickGap={40}
                />
                <YAxis
                  tickFormatter={(n: number) => formatCount(n)}
                  tick={{ fontSize: 11, fill: "#64748b" }}
                  width={56}
                />
                <Tooltip
                  labelFormatter={(t) => formatDateTime(new Date(Number(t)), true)}
                  formatter={(v) => [formatCount(Number(v)), "rows"]}
                />
                <Area
                  type="stepAfter"
                  dataKey="rows"
                  stroke="#0f766e"
                  fill="#ccfbf1"
                  strokeWidth={2}
                  isAnimationActive={false}
                />
              </AreaChart>
            </ResponsiveContainer>
          </div>
        </section>
      )}

      <DataTable
        label={`History of ${name}`}
        columns={columns}
        rows={h?.events}
        rowKey={(e) => `${e.kind}-${e.promotionId}`}
        loading={history.isPending}
        error={history.error?.message}
        rowClassName={(e) => (e.kind === "revert" ? "bg-amber-50/40 text-slate-700" : "text-slate-700")}
        empty={
          <EmptyState title="Nothing promoted yet">
            <p>Promotions and reverts of this dataset appear here as they happen.</p>
          </EmptyState>
        }
      />
    </div>
  );
}
