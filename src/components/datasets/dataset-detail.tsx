"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ColumnDefinition } from "@/datasets/definition";
import { formatCount } from "@/format";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { JobStatusBadge } from "../jobs/job-badges";
import { PromotionHistory } from "../promotions/promotion-history";
import { ExportButtons } from "../publish/export-buttons";
import { RowsTable } from "../rows/rows-table";
import { Badge } from "../ui/badge";
import { DateTime } from "../ui/date-time";
import { EmptyState } from "../ui/empty-state";
import { LinkButton } from "../ui/link-button";
import { PageHeader } from "../ui/page-header";
import { type Column, DataTable, Truncate } from "../ui/table";

type RecentJob = RouterOutputs["jobs"]["list"]["jobs"][number];

function rules(c: ColumnDefinition, key: string[]): string[] {
  const out: string[] = [];
  if (key.includes(c.name)) out.push("key");
  if (c.required) out.push("required");
  if (c.min !== undefined) out.push(`min ${c.min}`);
  if (c.max !== undefined) out.push(`max ${c.max}`);
  if (c.minLength !== undefined) out.push(`minLength ${c.minLength}`);
  if (c.maxLength !== undefined) out.push(`maxLength ${c.maxLength}`);
  if (c.pattern !== undefined) out.push(`pattern ${c.pattern}`);
  if (c.values) out.push(`one of ${c.values.join(", ")}`);
  return out;
}

const none = <span className="text-slate-300">—</span>;

const recentColumns: Column<RecentJob>[] = [
  {
    header: "File",
    grow: true,
    cell: (j) => (
      <Link href={`/jobs/${j.id}`} className="block truncate font-medium text-slate-900 hover:underline">
        {j.fileName ?? j.type}
      </Link>
    ),
  },
  { header: "Status", cell: (j) => <JobStatusBadge status={j.status} /> },
  {
    header: "Rows",
    className: "text-right tabular-nums",
    cell: (j) => (j.counts ? formatCount(j.counts.rows) : none),
  },
  {
    header: "Valid",
    className: "text-right tabular-nums",
    cell: (j) => (j.counts ? formatCount(j.counts.valid) : none),
  },
  {
    header: "Rejected",
    className: "text-right tabular-nums",
    cell: (j) => (j.counts ? formatCount(j.counts.rejected) : none),
  },
  {
    header: "Created by",
    cell: (j) => (j.createdBy ? <Truncate className="max-w-44">{j.createdBy}</Truncate> : none),
  },
  { header: "Created", cell: (j) => <DateTime value={j.createdAt} format="ago" /> },
];

/**
 * A dataset: its definition (key, columns and rules), its recent batches, its promotion history and
 * its production rows.
 */
export function DatasetDetail({
  name,
  canEdit,
  seesPii,
}: {
  name: string;
  canEdit: boolean;
  /** Whether the viewer sees personal data in clear (the server decides; this only labels it). */
  seesPii: boolean;
}) {
  const trpc = useTRPC();
  const dataset = useQuery(trpc.datasets.get.queryOptions({ name }));
  const recent = useQuery(trpc.jobs.list.queryOptions({ dataset: name, limit: 10 }));

  if (dataset.error) {
    return (
      <div className="max-w-xl rounded-lg border border-slate-200 bg-white p-6">
        <h1 className="text-xl font-semibold tracking-tight">Dataset not found</h1>
        <p className="mt-2 text-sm text-slate-600">{dataset.error.message}</p>
        <Link
          href="/datasets"
          className="mt-4 inline-block text-sm font-medium text-teal-700 hover:underline"
        >
          Back to datasets
        </Link>
      </div>
    );
  }
  const d = dataset.data;
  if (!d) return <p className="text-sm text-slate-400">Loading the dataset…</p>;
  const def = d.definition;

  const columnTable: Column<ColumnDefinition>[] = [
    {
      header: "Name",
      cell: (c) => (
        <span className="flex items-center gap-1.5">
          <code className="font-mono text-xs font-medium text-slate-900">{c.name}</code>
          {def.key.includes(c.name) && <Badge tone="info">key</Badge>}
        </span>
      ),
    },
    { header: "Type", cell: (c) => <span className="font-mono text-xs">{c.type}</span> },
    {
      header: "Rules",
      grow: true,
      cell: (c) => {
        const list = rules(c, def.key).filter((r) => r !== "key");
        return list.length ? <Truncate className="text-xs">{list.join(" · ")}</Truncate> : none;
      },
    },
    {
      header: "Normalisers",
      cell: (c) => (c.normalize?.length ? <span className="text-xs">{c.normalize.join(", ")}</span> : none),
    },
    {
      header: "Aliases",
      cell: (c) =>
        c.aliases?.length ? <Truncate className="max-w-48 text-xs">{c.aliases.join(", ")}</Truncate> : none,
    },
    { header: "PII", cell: (c) => (c.pii ? <Badge tone="warn">pii</Badge> : none) },
  ];

  return (
    <div className="max-w-6xl space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/datasets" className="hover:text-slate-800 hover:underline">
          Datasets
        </Link>{" "}
        <span aria-hidden>/</span> <span className="font-mono text-xs">{d.name}</span>
      </nav>
      <PageHeader
        title={d.title}
        description={
          <>
            <code className="font-mono text-xs text-slate-700">{d.name}</code> · version {d.version} · updated{" "}
            <DateTime value={d.updatedAt} format="ago" />
            {def.description && <span className="mt-1 block text-slate-600">{def.description}</span>}
          </>
        }
        actions={
          <>
            {canEdit && <LinkButton href={`/datasets/${d.name}/edit`}>Edit definition</LinkButton>}
            <LinkButton href={`/upload?dataset=${d.name}`} variant="primary">
              Upload to this dataset
            </LinkButton>
          </>
        }
      />

      <dl className="flex flex-wrap gap-x-8 gap-y-2 text-sm">
        <div>
          <dt className="text-xs uppercase tracking-wide text-slate-500">Natural key</dt>
          <dd className="mt-0.5 font-mono text-xs text-slate-900">
            {def.key.length ? def.key.join(", ") : "none (rows are appended)"}
          </dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-slate-500">Columns</dt>
          <dd className="mt-0.5 text-slate-900">{def.columns.length}</dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-slate-500">Quality threshold</dt>
          <dd className="mt-0.5 text-slate-900">{def.quality.minScore} / 100</dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-slate-500">Promotion</dt>
          <dd className="mt-0.5 text-slate-900">
            {def.promotion?.mode ?? "upsert"}
            {def.promotion?.auto ? ", automatic" : ""}
          </dd>
        </div>
      </dl>

      <section aria-labelledby="columns-title" className="space-y-2">
        <h2 id="columns-title" className="text-sm font-semibold text-slate-800">
          Columns
        </h2>
        <DataTable
          label="Columns"
          columns={columnTable}
          rows={def.columns}
          rowKey={(c) => c.name}
          rowClassName={() => "text-slate-600"}
        />
      </section>

      <section aria-labelledby="recent-title" className="space-y-2">
        <div className="flex items-baseline justify-between">
          <h2 id="recent-title" className="text-sm font-semibold text-slate-800">
            Recent batches
          </h2>
          <Link
            href={`/jobs?dataset=${d.name}`}
            className="text-xs font-medium text-teal-700 hover:underline"
          >
            All jobs for {d.name}
          </Link>
        </div>
        <DataTable
          label="Recent batches"
          columns={recentColumns}
          rows={recent.data?.jobs}
          rowKey={(j) => j.id}
          loading={recent.isPending}
          error={recent.error?.message}
          rowClassName={() => "text-slate-600"}
          empty={
            <EmptyState title="Nothing loaded yet">
              <p>Batches appear here once a file is uploaded to this dataset.</p>
            </EmptyState>
          }
        />
      </section>

      <section aria-labelledby="promotion-history-title" className="space-y-2">
        <div className="flex items-baseline justify-between">
          <div>
            <h2 id="promotion-history-title" className="text-sm font-semibold text-slate-800">
              Promotion history
            </h2>
            <p className="text-xs text-slate-500">
              Promotions and reverts of <code className="font-mono">production.{d.name}</code> over time.
            </p>
          </div>
          <span className="flex gap-3">
            <Link
              href={`/datasets/${d.name}/history`}
              className="text-xs font-medium text-teal-700 hover:underline"
            >
              Full history of {d.name}
            </Link>
            <Link href="/promotions" className="text-xs font-medium text-teal-700 hover:underline">
              Batches ready to promote
            </Link>
          </span>
        </div>
        <PromotionHistory dataset={d.name} canRevert={canEdit} label={`Promotion history of ${d.name}`} />
      </section>

      <section id="production" aria-labelledby="production-title" className="scroll-mt-4 space-y-2">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 id="production-title" className="text-sm font-semibold text-slate-800">
              Production rows
            </h2>
            <p className="text-xs text-slate-500">
              What <code className="font-mono">production.{d.name}</code> holds now: rows arrive here when a
              staged batch is promoted. Each row links to its lineage.
            </p>
          </div>
          <ExportButtons
            source={{ dataset: d.name }}
            label={`Download production.${d.name}`}
            masked={!seesPii && def.columns.some((c) => c.pii)}
          />
        </div>
        <RowsTable
          naturalKey={def.key}
          source={{ dataset: d.name }}
          label="Production rows"
          emptyText="Production is empty: promote a staged batch to fill it."
        />
      </section>
    </div>
  );
}
