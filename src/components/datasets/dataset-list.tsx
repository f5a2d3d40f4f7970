"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { DatasetDefinition } from "@/datasets/definition";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { DateTime } from "../ui/date-time";
import { EmptyState } from "../ui/empty-state";
import { LinkButton } from "../ui/link-button";
import { PageHeader } from "../ui/page-header";
import { type Column, DataTable, Truncate } from "../ui/table";

type Dataset = RouterOutputs["datasets"]["list"][number];
const definitionOf = (d: Dataset) => d.definition as unknown as Partial<DatasetDefinition> | null;

const columns: Column<Dataset>[] = [
  {
    header: "Name",
    cell: (d) => (
      <Link
        href={`/datasets/${d.name}`}
        className="font-mono text-xs font-medium text-teal-800 hover:text-teal-900 hover:underline"
      >
        {d.name}
      </Link>
    ),
  },
  { header: "Title", grow: true, cell: (d) => <Truncate className="text-slate-900">{d.title}</Truncate> },
  {
    header: "Columns",
    className: "text-right tabular-nums",
    cell: (d) => definitionOf(d)?.columns?.length ?? "—",
  },
  {
    header: "Key",
    cell: (d) => {
      const key = definitionOf(d)?.key ?? [];
      return key.length ? (
        <Truncate className="max-w-56 font-mono text-xs">{key.join(", ")}</Truncate>
      ) : (
        <span className="text-slate-400">none</span>
      );
    },
  },
  { header: "Version", className: "tabular-nums", cell: (d) => `v${d.version}` },
  { header: "Updated", cell: (d) => <DateTime value={d.updatedAt} /> },
];

const code = "rounded bg-slate-100 px-1 py-0.5 font-mono text-xs text-slate-700";

/** Datasets: the target tables uploads load into. */
export function DatasetList({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const datasets = useQuery(trpc.datasets.list.queryOptions());
  return (
    <div className="max-w-5xl space-y-4">
      <PageHeader
        title="Datasets"
        description="The tables uploads load into: typed columns, rules, a natural key and quality thresholds."
        actions={
          canEdit && (
            <LinkButton href="/datasets/new" variant="primary" size="sm">
              New dataset
            </LinkButton>
          )
        }
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
              A dataset is defined as JSON (its columns, rules, key and quality threshold).{" "}
              {canEdit ? (
                <>
                  Create one with{" "}
                  <Link href="/datasets/new" className="text-teal-700 underline">
                    New dataset
                  </Link>
                  ,
                </>
              ) : (
                "An admin creates them here,"
              )}{" "}
              over the API with <code className={code}>PUT /api/v1/datasets/{"{name}"}</code> or from a shell
              with <code className={code}>npm run cli -- dataset apply FILE.json</code>.
            </p>
          </EmptyState>
        }
      />
    </div>
  );
}
