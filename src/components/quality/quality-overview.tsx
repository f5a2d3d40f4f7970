"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatCount } from "@/format";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { DateTime } from "../ui/date-time";
import { EmptyState } from "../ui/empty-state";
import { PageHeader } from "../ui/page-header";
import { type Column, DataTable } from "../ui/table";
import { GateBadge, ScoreValue, Sparkline } from "./quality-bits";

type Row = RouterOutputs["quality"]["overview"][number];

/** Every dataset's latest quality score and trend, failing gates first. */
export function QualityOverview() {
  const trpc = useTRPC();
  const overview = useQuery({ ...trpc.quality.overview.queryOptions(), refetchInterval: 15_000 });
  const failing = overview.data?.filter((d) => d.latest && !d.latest.passed).length ?? 0;
  const columns: Column<Row>[] = [
    {
      header: "Dataset",
      grow: true,
      cell: (d) => (
        <div className="min-w-0">
          <Link
            href={`/quality/datasets/${d.dataset}`}
            className="font-medium text-slate-900 hover:underline"
          >
            {d.dataset}
          </Link>
          <p className="truncate text-xs text-slate-500">{d.title}</p>
        </div>
      ),
    },
    {
      header: "Latest batch",
      cell: (d) =>
        d.latest ? (
          <Link
            href={`/quality/batches/${d.latest.batchId}`}
            className="flex items-center gap-2 hover:underline"
          >
            <ScoreValue value={d.latest.overall} min={d.minScore} className="text-base" />
            <span className="text-xs text-slate-400">/ {d.minScore}</span>
          </Link>
        ) : (
          <span className="text-xs text-slate-400">no report yet</span>
        ),
    },
    {
      header: "Gate",
      cell: (d) =>
        d.latest ? (
          <div className="space-y-0.5">
            <GateBadge passed={d.latest.passed} />
            {!d.latest.passed && (
              <p className="text-xs text-red-700">
                {d.latest.failures.map((f) => `${f.score} ${f.value ?? "n/a"} < ${f.min}`).join("; ")}
              </p>
            )}
          </div>
        ) : (
          <span className="text-slate-300">—</span>
        ),
    },
    { header: "Trend", cell: (d) => <Sparkline points={d.trend} min={d.minScore} /> },
    {
      header: "Production check",
      cell: (d) =>
        d.production ? (
          <span className="text-xs text-slate-600">
            <ScoreValue value={d.production.overall} min={d.minScore} /> · {formatCount(d.production.rows)}{" "}
            rows · <DateTime value={d.production.computedAt} format="ago" />
          </span>
        ) : (
          <span className="text-xs text-slate-400">not run yet</span>
        ),
    },
    {
      header: "Checked",
      cell: (d) =>
        d.latest ? (
          <DateTime value={d.latest.computedAt} format="ago" />
        ) : (
          <span className="text-slate-300">—</span>
        ),
    },
  ];
  return (
    <div className="max-w-6xl space-y-4">
      <PageHeader
        title="Quality"
        description="Every dataset's latest quality score against its gate, and how it has moved. Failing gates first."
      />
      {failing > 0 && (
        <p className="text-sm font-medium text-red-700" data-testid="failing-gates">
          {failing} dataset{failing > 1 ? "s" : ""} with a failing gate: their latest batch cannot be promoted
          without an admin override.
        </p>
      )}
      <DataTable
        label="Dataset quality"
        columns={columns}
        rows={overview.data}
        rowKey={(d) => d.dataset}
        loading={overview.isLoading}
        error={overview.error?.message}
        rowClassName={(d) => (d.latest && !d.latest.passed ? "bg-red-50/40" : "")}
        empty={
          <EmptyState title="No datasets yet">
            Define a dataset, upload a file, and its quality report appears here once the batch is staged.
          </EmptyState>
        }
      />
    </div>
  );
}
