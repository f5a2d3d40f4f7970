"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatCount } from "@/format";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { DateTime } from "../ui/date-time";
import { EmptyState } from "../ui/empty-state";
import { LinkButton } from "../ui/link-button";
import { type Column, DataTable, Truncate } from "../ui/table";

type ReadyBatch = RouterOutputs["promotions"]["ready"][number];

const count = (n: number, tone = "") => <span className={`tabular-nums ${tone}`}>{formatCount(n)}</span>;

/**
 * Staged batches not yet in production, newest first, with how their rows compared with production
 * when they were staged. Admins open a batch's preview from here; the preview recounts against
 * production as it is now.
 */
export function ReadyBatches({ canPromote }: { canPromote: boolean }) {
  const trpc = useTRPC();
  // New batches finish staging in the background: look again now and then.
  const ready = useQuery({ ...trpc.promotions.ready.queryOptions(), refetchInterval: 15_000 });

  const columns: Column<ReadyBatch>[] = [
    {
      header: "Dataset",
      cell: (b) => (
        <Link href={`/datasets/${b.dataset}`} className="font-mono text-xs text-slate-700 hover:underline">
          {b.dataset}
        </Link>
      ),
    },
    {
      header: "File",
      grow: true,
      cell: (b) => (
        <Link
          href={`/jobs/${b.jobId}`}
          className="block truncate font-medium text-slate-900 hover:text-teal-800 hover:underline"
          title={b.fileName}
        >
          {b.fileName}
        </Link>
      ),
    },
    {
      header: "Uploaded by",
      cell: (b) =>
        b.uploadedBy ? (
          <Truncate className="max-w-36">{b.uploadedBy}</Truncate>
        ) : (
          <span className="text-slate-300">—</span>
        ),
    },
    { header: "Staged", cell: (b) => <DateTime value={b.stagedAt} format="ago" /> },
    {
      header: "Quality gate",
      cell: (b) =>
        b.quality ? (
          <Link
            href={`/quality/batches/${b.batchId}`}
            className={`text-xs font-medium hover:underline ${b.quality.passed ? "text-emerald-700" : "text-red-700"}`}
          >
            {b.quality.passed ? "✓" : "✕"} {b.quality.overall.toFixed(1)}
            {b.quality.passed ? "" : " · fails"}
          </Link>
        ) : (
          <span className="text-xs text-slate-400">computing…</span>
        ),
    },
    { header: "Rows", className: "text-right", cell: (b) => count(b.rows) },
    {
      header: "Rejected",
      className: "text-right",
      cell: (b) => count(b.rejected, b.rejected ? "text-red-700" : "text-slate-400"),
    },
    {
      header: "New",
      className: "text-right",
      cell: (b) => count(b.classification.new, b.classification.new ? "text-emerald-700" : "text-slate-400"),
    },
    {
      header: "Changed",
      className: "text-right",
      cell: (b) =>
        count(b.classification.changed, b.classification.changed ? "text-amber-700" : "text-slate-400"),
    },
    {
      header: "Unchanged",
      className: "text-right",
      cell: (b) => count(b.classification.unchanged, b.classification.unchanged ? "" : "text-slate-400"),
    },
    ...(canPromote
      ? [
          {
            header: "Actions",
            srOnlyHeader: true,
            className: "text-right",
            cell: (b: ReadyBatch) => (
              <LinkButton
                size="sm"
                variant="primary"
                href={`/promotions/preview/${b.batchId}`}
                aria-label={`Review the promotion of ${b.fileName}`}
              >
                Review
              </LinkButton>
            ),
          },
        ]
      : []),
  ];

  return (
    <DataTable
      label="Ready to promote"
      columns={columns}
      rows={ready.data}
      rowKey={(b) => b.batchId}
      loading={ready.isPending}
      error={ready.error?.message}
      rowClassName={() => "text-slate-700"}
      empty={
        <EmptyState title="No batch is waiting">
          <p>
            A file that finished loading leaves a staged batch; it appears here until it is promoted.{" "}
            <Link href="/upload" className="font-medium text-teal-700 hover:underline">
              Upload a file
            </Link>
          </p>
        </EmptyState>
      }
    />
  );
}
