"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { formatCount, plural } from "@/format";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { DateTime, formatAgo } from "../ui/date-time";
import { EmptyState } from "../ui/empty-state";
import { Notice } from "../ui/notice";
import { type Column, DataTable, Truncate } from "../ui/table";
import { describeMode, formatMilliseconds, PromotionStatusBadge } from "./promotion-status";

type Promotion = RouterOutputs["promotions"]["list"][number];

const none = <span className="text-slate-300">—</span>;
const count = (n: number) => <span className="tabular-nums">{formatCount(n)}</span>;

/**
 * Promotions and reverts over time, newest first: what each did to production, who did it, when and
 * how long it took. Admins can revert an applied one (after a confirmation that says what will
 * happen); the server refuses a revert that later promotions build on, and its reason is shown.
 */
export function PromotionHistory({
  dataset,
  canRevert,
  label = "Promotion history",
}: {
  /** Only this dataset's promotions (the dataset column is then left out). */
  dataset?: string;
  canRevert: boolean;
  label?: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.promotions.list.queryOptions(dataset ? { dataset } : {}));
  const [target, setTarget] = useState<Promotion | null>(null);
  const [done, setDone] = useState<{ promotion: Promotion; restored: number; removed: number } | null>(null);
  const revert = useMutation(
    trpc.promotions.revert.mutationOptions({
      onSuccess: (result) => {
        if (target) setDone({ promotion: target, restored: result.restored, removed: result.removed });
        setTarget(null);
        void queryClient.invalidateQueries({ queryKey: trpc.promotions.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.datasets.rows.pathKey() });
      },
    }),
  );

  const columns: Column<Promotion>[] = [
    ...(dataset
      ? []
      : [
          {
            header: "Dataset",
            cell: (p: Promotion) => (
              <Link
                href={`/datasets/${p.dataset}`}
                className="font-mono text-xs text-slate-700 hover:underline"
              >
                {p.dataset}
              </Link>
            ),
          },
        ]),
    {
      header: "File",
      grow: true,
      cell: (p) => (
        <span className="flex flex-col">
          <Link
            href={`/jobs/${p.jobId}`}
            className="block truncate font-medium text-slate-900 hover:text-teal-800 hover:underline"
            title={p.fileName}
          >
            {p.fileName}
          </Link>
          <span className="text-xs text-slate-500" title={describeMode(p.mode)}>
            <span className={`font-mono ${p.mode === "replace" ? "text-amber-700" : ""}`}>{p.mode}</span> mode
          </span>
        </span>
      ),
    },
    {
      header: "Quality",
      cell: (p) => (
        <span className="flex flex-col text-xs">
          <Link
            href={`/quality/batches/${p.batchId}`}
            className="tabular-nums text-slate-700 hover:underline"
          >
            {p.qualityScore === null ? "—" : p.qualityScore.toFixed(1)}
          </Link>
          {p.overrideReason && (
            <span title={`Gate overridden: ${p.overrideReason}`} data-testid="gate-overridden">
              <Badge tone="warn">gate overridden</Badge>
            </span>
          )}
        </span>
      ),
    },
    { header: "Inserted", className: "text-right", cell: (p) => count(p.inserted) },
    { header: "Updated", className: "text-right", cell: (p) => count(p.updated) },
    { header: "Unchanged", className: "text-right text-slate-500", cell: (p) => count(p.unchanged) },
    ...(list.data?.some((p) => p.mode === "replace")
      ? [
          {
            header: "Deleted",
            className: "text-right",
            cell: (p: Promotion) => (p.mode === "replace" ? count(p.deleted) : none),
          },
        ]
      : []),
    {
      header: "Promoted",
      cell: (p) => (
        <span className="flex flex-col text-xs">
          <span className="text-sm">
            <DateTime value={p.createdAt} format="ago" />
            <span className="text-slate-400" title="How long the promotion's transaction took">
              {" "}
              · {formatMilliseconds(p.durationMs)}
            </span>
          </span>
          <span className="flex items-center gap-1 text-slate-500">
            by <Truncate className="max-w-36">{p.createdBy}</Truncate>
            {p.auto && <Badge tone="info">auto</Badge>}
          </span>
        </span>
      ),
    },
    {
      // The state and, for admins, the way back from it, side by side.
      header: "Status",
      cell: (p) => (
        <span className="flex flex-col text-xs text-slate-500">
          <span className="flex items-center gap-2">
            <PromotionStatusBadge status={p.status} />
            {p.status === "reverted" && <DateTime value={p.revertedAt} format="ago" />}
            {p.status === "applied" && canRevert && (
              <Button
                size="sm"
                variant="danger-outline"
                aria-label={`Revert the promotion of ${p.fileName}`}
                onClick={() => {
                  revert.reset();
                  setDone(null);
                  setTarget(p);
                }}
              >
                Revert
              </Button>
            )}
          </span>
          {p.status === "reverted" && p.revertedBy && (
            <span className="mt-0.5 flex items-center gap-1">
              by <Truncate className="max-w-32">{p.revertedBy}</Truncate>
            </span>
          )}
        </span>
      ),
    },
  ];

  return (
    <div className="space-y-2">
      {done && (
        <Notice tone="success">
          Reverted the promotion of <strong className="font-semibold">{done.promotion.fileName}</strong>:
          production.{done.promotion.dataset} is as it was before it ({plural(done.removed, "row")} removed,{" "}
          {plural(done.restored, "row")} restored). The batch can be promoted again.
        </Notice>
      )}
      <DataTable
        label={label}
        columns={columns}
        rows={list.data}
        rowKey={(p) => p.id}
        loading={list.isPending}
        error={list.error?.message}
        rowClassName={(p) => (p.status === "reverted" ? "text-slate-500" : "text-slate-700")}
        empty={
          <EmptyState title="Nothing promoted yet">
            <p>
              A promotion applies a staged batch to production. Each one is listed here with what it changed,
              and can be reverted.
            </p>
          </EmptyState>
        }
      />
      <ConfirmDialog
        open={target !== null}
        title="Revert this promotion?"
        confirmLabel="Revert promotion"
        pending={revert.isPending}
        error={revert.error?.message ?? null}
        onConfirm={() => target && revert.mutate({ promotionId: target.id })}
        onCancel={() => setTarget(null)}
      >
        {target && <RevertConsequences promotion={target} all={list.data ?? []} />}
      </ConfirmDialog>
    </div>
  );
}

/** What reverting does, in the promotion's own numbers, and a warning when it will be refused. */
function RevertConsequences({ promotion: p, all }: { promotion: Promotion; all: Promotion[] }) {
  const later = all.filter(
    (o) => o.dataset === p.dataset && o.status === "applied" && o.id !== p.id && o.createdAt > p.createdAt,
  );
  const effects = [
    p.inserted > 0 &&
      `the ${plural(p.inserted, "row")} it ${p.mode === "append" ? "added" : "inserted"} are deleted`,
    p.updated > 0 && `the ${plural(p.updated, "row")} it updated get their previous values back`,
    p.deleted > 0 && `the ${plural(p.deleted, "row")} it deleted come back`,
  ].filter(Boolean);
  return (
    <div className="space-y-2">
      <p>
        <code className="font-mono text-xs text-slate-800">production.{p.dataset}</code> goes back to exactly
        how it was before <strong className="font-medium text-slate-800">{p.fileName}</strong> was promoted,{" "}
        {formatAgo(new Date(p.createdAt))}, in one transaction
        {effects.length ? `: ${effects.join(", ")}.` : ". It changed no rows."}
      </p>
      <p>The batch stays staged and can be promoted again.</p>
      {later.length > 0 && (
        <Notice tone="warning">
          {later.length === 1 ? "A later promotion" : `${later.length} later promotions`} of {p.dataset} (
          {later.map((l) => l.fileName).join(", ")}) {later.length === 1 ? "is" : "are"} still applied and
          build{later.length === 1 ? "s" : ""} on this one: revert {later.length === 1 ? "it" : "them"} first,
          newest first.
        </Notice>
      )}
    </div>
  );
}
