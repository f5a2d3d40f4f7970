"use client";

import { useQuery } from "@tanstack/react-query";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { DateTime } from "../ui/date-time";
import { EmptyState } from "../ui/empty-state";
import { PageHeader } from "../ui/page-header";
import { type Column, DataTable, Truncate } from "../ui/table";

type Dataset = RouterOutputs["datasets"]["list"][number];

const columns: Column<Dataset>[] = [
  {
    header: "Name",
    cell: (d) => <code className="font-mono text-xs font-medium text-slate-900">{d.name}</code>,
  },
  { header: "Title", grow: true, cell: (d) => <Truncate className="text-slate-900">{d.title}</Truncate> },
  { header: "Version", className: "tabular-nums", cell: (d) => `v${d.version}` },
  { header: "Updated", cell: (d) => <DateTime value={d.updatedAt} /> },
];

const code = "rounded bg-slate-100 px-1 py-0.5 font-mono text-xs text-slate-700";

/** Datasets: the target tables uploads load into. */
export function DatasetList() {
  const trpc = useTRPC();
  const datasets = useQuery(trpc.datasets.list.queryOptions());
  return (
    <div className="max-w-5xl space-y-4">
      <PageHeader
        title="Datasets"
        description="The tables uploads load into: typed columns, rules, a natural key and quality thresholds."
      />
      <DataTable
        label="Datasets"
        columns={columns}
        rows={datasets.data}
        rowKey={(d) => d.name}
        loading={datasets.isPending}
        error={datasets.error?.message}
        rowClassName={() => "text-slate-600"}
        empty={
          <EmptyState title="No datasets yet">
            <p>
              A dataset is defined as JSON (its columns, rules, key and quality threshold) and created by an
              admin, either over the API with <code className={code}>PUT /api/v1/datasets/{"{name}"}</code> or
              from a shell with <code className={code}>npm run cli -- dataset apply FILE.json</code>.
            </p>
            <p className="text-xs text-slate-400">Both arrive with the ingestion work.</p>
          </EmptyState>
        }
      />
    </div>
  );
}
