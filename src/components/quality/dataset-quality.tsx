"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatCount } from "@/format";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { Button } from "../ui/button";
import { DateTime } from "../ui/date-time";
import { EmptyState } from "../ui/empty-state";
import { Notice } from "../ui/notice";
import { PageHeader } from "../ui/page-header";
import { Panel } from "../ui/panel";
import { type Column, DataTable } from "../ui/table";
import { GateBadge, ScoreValue } from "./quality-bits";

type Data = RouterOutputs["quality"]["dataset"];
type Point = Data["batches"][number];

const COLORS = {
  overall: "#0f172a",
  completeness: "#0f766e",
  validity: "#2563eb",
  uniqueness: "#7c3aed",
  consistency: "#d97706",
  freshness: "#db2777",
} as const;

/** One dataset's quality over time: scores per batch and per day, rows loaded, rejections by rule. */
export function DatasetQuality({ name, canCheck }: { name: string; canCheck: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const q = useQuery(trpc.quality.dataset.queryOptions({ name }));
  const check = useMutation(
    trpc.quality.checkProduction.mutationOptions({
      // The check takes seconds; look again shortly after.
      onSuccess: () =>
        setTimeout(() => void queryClient.invalidateQueries({ queryKey: trpc.quality.pathKey() }), 3000),
    }),
  );
  const d = q.data;
  const breadcrumb = (
    <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
      <Link href="/quality" className="hover:text-slate-800 hover:underline">
        Quality
      </Link>{" "}
      <span aria-hidden>/</span> <span>{name}</span>
    </nav>
  );
  if (!d) {
    return (
      <div className="max-w-6xl space-y-4">
        {breadcrumb}
        <p className="text-sm text-slate-500">{q.error ? q.error.message : "Loading…"}</p>
      </div>
    );
  }
  const perBatch = d.batches.map((b, i) => ({
    ...b.scores,
    overall: b.overall,
    n: i + 1,
    label: b.fileName ?? `#${i + 1}`,
  }));
  const columns: Column<Point>[] = [
    {
      header: "Batch",
      grow: true,
      cell: (b) => (
        <Link href={`/quality/batches/${b.batchId}`} className="font-medium text-slate-900 hover:underline">
          {b.fileName}
        </Link>
      ),
    },
    { header: "Overall", cell: (b) => <ScoreValue value={b.overall} min={d.minScore} /> },
    { header: "Gate", cell: (b) => <GateBadge passed={b.passed} /> },
    {
      header: "Rows loaded",
      className: "text-right",
      cell: (b) => <span className="tabular-nums">{formatCount(b.loaded ?? 0)}</span>,
    },
    {
      header: "Rejected",
      className: "text-right",
      cell: (b) => <span className="tabular-nums">{formatCount(b.rejected ?? 0)}</span>,
    },
    { header: "Checked", cell: (b) => <DateTime value={b.at} format="minutes" /> },
  ];
  return (
    <div className="max-w-6xl space-y-5">
      {breadcrumb}
      <PageHeader
        title={`Quality of ${name}`}
        description={`Gate: overall ≥ ${d.minScore}${Object.entries(d.minScores)
          .map(([k, v]) => `, ${k} ≥ ${v}`)
          .join("")}. ${formatCount(d.loadedRows)} rows loaded over ${d.batches.length} batches.`}
        actions={
          canCheck && (
            <Button size="sm" disabled={check.isPending} onClick={() => check.mutate({ dataset: name })}>
              {check.isSuccess ? "Production check queued" : "Check production now"}
            </Button>
          )
        }
      />
      {check.error && <Notice tone="error">{check.error.message}</Notice>}
      {d.batches.length === 0 ? (
        <EmptyState title="No quality reports yet">
          Upload a file to {name}; its report appears here once the batch is staged.
        </EmptyState>
      ) : (
        <>
          <div className="grid gap-4 lg:grid-cols-2">
            <Panel title="Scores per batch" description="Oldest to newest; the dashed line is the gate.">
              <div className="h-56">
                <ResponsiveContainer width="100%" height="100%">
                  <LineChart data={perBatch} margin={{ top: 4, right: 8, bottom: 0, left: -20 }}>
                    <CartesianGrid stroke="#e2e8f0" vertical={false} />
                    <XAxis dataKey="n" tick={{ fontSize: 11 }} />
                    <YAxis domain={[0, 100]} tick={{ fontSize: 11 }} />
                    <Tooltip labelFormatter={(_, p) => String(p?.[0]?.payload?.label ?? "")} />
                    <Legend wrapperStyle={{ fontSize: 11 }} />
                    <ReferenceLine y={d.minScore} stroke="#b91c1c" strokeDasharray="4 4" />
                    {Object.entries(COLORS).map(([k, c]) => (
                      <Line
                        key={k}
                        dataKey={k}
                        stroke={c}
                        strokeWidth={k === "overall" ? 2.5 : 1.25}
                        dot={false}
                        connectNulls
                        isAnimationActive={false}
                      />
                    ))}
                  </LineChart>
                </ResponsiveContainer>
              </div>
            </Panel>
            <Panel
              title="Per day"
              description="Rows loaded and rejected per day (bars); below, the mean overall score of each day's batches."
            >
              <div className="h-56">
                <ResponsiveContainer width="100%" height="100%">
                  <BarChart data={d.days} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
                    <CartesianGrid stroke="#e2e8f0" vertical={false} />
                    <XAxis dataKey="day" tick={{ fontSize: 11 }} />
                    <YAxis tick={{ fontSize: 11 }} />
                    <Tooltip />
                    <Legend wrapperStyle={{ fontSize: 11 }} />
                    <Bar dataKey="loaded" name="rows loaded" fill="#0f766e" isAnimationActive={false} />
                    <Bar dataKey="rejected" name="rejected" fill="#b91c1c" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </div>
              <table className="mt-2 w-full text-xs" aria-label="Mean score per day">
                <tbody>
                  {d.days.map((day) => (
                    <tr key={day.day}>
                      <td className="py-0.5 text-slate-500">{day.day}</td>
                      <td className="text-right">
                        <ScoreValue value={day.overall} min={d.minScore} />
                      </td>
                      <td className="text-right text-slate-500">{day.batches} batches</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Panel>
          </div>
          <Panel
            title="Rejection rate by rule"
            description="Rows rejected by each rule, over all rows loaded into this dataset."
          >
            {d.rejectionsByRule.length ? (
              <ul className="space-y-1.5">
                {d.rejectionsByRule.map((r) => (
                  <li
                    key={`${r.column}:${r.rule}`}
                    className="grid grid-cols-[12rem_1fr_7rem] items-center gap-3 text-sm"
                  >
                    <span className="truncate font-mono text-xs">
                      {r.column} · {r.rule}
                    </span>
                    <span className="h-2 rounded bg-slate-100">
                      <span
                        className="block h-2 rounded bg-red-600/70"
                        style={{ width: `${Math.min(100, Math.max(1, r.percent * 5))}%` }}
                      />
                    </span>
                    <span className="text-right tabular-nums text-slate-600">
                      {r.percent}% · {formatCount(r.count)}
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-500">No row was ever rejected.</p>
            )}
          </Panel>
          {d.production.length > 0 && (
            <Panel
              title="Production checks"
              description="The scheduled check profiles production.* with the same scores."
            >
              <p className="text-sm text-slate-700">
                Latest: <ScoreValue value={d.production.at(-1)!.overall} min={d.minScore} /> on{" "}
                {formatCount(d.production.at(-1)!.rows)} rows,{" "}
                <DateTime value={d.production.at(-1)!.at} format="ago" /> ({d.production.length} checks
                recorded).
              </p>
            </Panel>
          )}
          <DataTable label="Batches" columns={columns} rows={[...d.batches].reverse()} rowKey={(b) => b.id} />
        </>
      )}
    </div>
  );
}
