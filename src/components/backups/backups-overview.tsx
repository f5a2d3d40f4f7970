"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useState } from "react";
import { formatBytes, formatCount, formatDuration } from "@/format";
import { useTRPC } from "@/trpc/react";
import { Button, buttonClasses } from "../ui/button";
import { DateTime } from "../ui/date-time";
import { EmptyState } from "../ui/empty-state";
import { Field, Input } from "../ui/field";
import { Notice } from "../ui/notice";
import { PageHeader } from "../ui/page-header";
import { Panel } from "../ui/panel";
import { ProgressBar } from "../ui/progress-bar";
import { type Column, DataTable, Truncate } from "../ui/table";
import { type Backup, BackupStatusBadge, VerifyBadge } from "./backup-status";
import { RestoreDialog } from "./restore-dialog";
import { RetentionPanel } from "./retention-panel";

interface LiveProgress {
  backupId: string;
  tablesDone?: number;
  tablesTotal?: number;
  bytes?: number;
  rows?: number;
  bytesPerSecond?: number;
  table?: string;
}

const none = <span className="text-slate-300">—</span>;

/**
 * The backup console: create one now (with a reason), follow it live, and for each backup see
 * status, size, duration, rows, who and why, and verify, download or restore it.
 */
export function BackupsOverview() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.backups.list.queryOptions());
  const [reason, setReason] = useState("");
  const [live, setLive] = useState<Record<string, LiveProgress>>({});
  const [restoring, setRestoring] = useState<Backup | null>(null);
  const [notice, setNotice] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.backups.pathKey() });

  useSubscription(
    trpc.backups.live.subscriptionOptions(undefined, {
      onData: (e) => {
        const event = e.data;
        if ("reconnected" in event) return refresh();
        if (event.status === "running" && event.tablesTotal) {
          setLive((m) => ({ ...m, [event.backupId]: event }));
        }
        if (event.status !== "running" || !event.tablesTotal) refresh();
      },
    }),
  );

  const create = useMutation(
    trpc.backups.create.mutationOptions({
      onSuccess: () => {
        setReason("");
        setNotice(null);
        refresh();
      },
      onError: (err) => setNotice({ tone: "error", text: err.message }),
    }),
  );
  const verify = useMutation(
    trpc.backups.verify.mutationOptions({
      onSuccess: () => {
        setNotice({
          tone: "success",
          text: "Verify queued: checksums, then a trial restore into a scratch schema.",
        });
        refresh();
      },
      onError: (err) => setNotice({ tone: "error", text: err.message }),
    }),
  );

  const running = list.data?.find((b) => b.status === "running" || b.status === "queued");
  const progress = running ? (live[running.id] ?? (running.progress as LiveProgress)) : null;

  const columns: Column<Backup>[] = [
    {
      header: "Created",
      cell: (b) => (
        <span className="flex flex-col">
          <DateTime value={b.createdAt} />
          <span className="text-xs text-slate-500">
            {b.trigger === "schedule" ? "scheduled" : "manual"}
            {b.encrypted && " · encrypted"}
          </span>
        </span>
      ),
    },
    { header: "Status", cell: (b) => <BackupStatusBadge backup={b} /> },
    {
      header: "Who / why",
      grow: true,
      cell: (b) => (
        <span className="flex min-w-0 flex-col">
          <Truncate className="max-w-48 text-sm">{b.createdBy}</Truncate>
          {b.reason && <Truncate className="max-w-72 text-xs text-slate-500">{b.reason}</Truncate>}
          {b.error && (
            <span className="max-w-96 truncate text-xs text-red-700" title={b.error}>
              {b.error}
            </span>
          )}
        </span>
      ),
    },
    {
      header: "Size",
      className: "text-right tabular-nums",
      cell: (b) => (b.sizeBytes !== null ? formatBytes(b.sizeBytes) : none),
    },
    {
      header: "Duration",
      className: "text-right tabular-nums",
      cell: (b) => (b.durationMs !== null ? formatDuration(b.durationMs / 1000) : none),
    },
    {
      header: "Rows",
      className: "text-right tabular-nums",
      cell: (b) =>
        b.totalRows !== null ? <span title={`${b.tables} tables`}>{formatCount(b.totalRows)}</span> : none,
    },
    { header: "Verified", cell: (b) => <VerifyBadge backup={b} /> },
    {
      header: "Actions",
      srOnlyHeader: true,
      cell: (b) =>
        b.status === "succeeded" ? (
          <span className="flex justify-end gap-1.5">
            <Button size="sm" onClick={() => verify.mutate({ id: b.id })} disabled={verify.isPending}>
              Verify
            </Button>
            <a
              className={buttonClasses("secondary", "sm")}
              href={`/api/v1/backups/${b.id}/download`}
              download
              aria-label={`Download backup ${b.id}`}
            >
              Download
            </a>
            <Button size="sm" variant="danger" onClick={() => setRestoring(b)}>
              Restore…
            </Button>
          </span>
        ) : b.jobId ? (
          <span className="flex justify-end">
            <Link href={`/jobs/${b.jobId}`} className="text-xs text-teal-800 hover:underline">
              job
            </Link>
          </span>
        ) : null,
    },
  ];

  return (
    <div className="space-y-5">
      <PageHeader
        title="Backups"
        description="Snapshots of the datasets' tables and their pipeline records: checksummed, verifiable, restorable."
      />
      {notice && (
        <Notice tone={notice.tone} className="mb-2">
          {notice.text}
        </Notice>
      )}
      <div className="grid items-start gap-5 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <Panel
          title="Back up now"
          description="One consistent snapshot of staging, production and history tables plus datasets, uploads, jobs, batches, quality reports and promotions."
        >
          <form
            className="flex items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate({ reason: reason || undefined });
            }}
          >
            <Field label="Reason" optional className="flex-1">
              {(p) => (
                <Input
                  {...p}
                  value={reason}
                  maxLength={500}
                  placeholder="e.g. before reloading listings"
                  onChange={(e) => setReason(e.target.value)}
                />
              )}
            </Field>
            <Button type="submit" variant="primary" disabled={create.isPending || Boolean(running)}>
              {create.isPending ? "Starting…" : "Back up now"}
            </Button>
          </form>
          {running && (
            <div className="mt-4 rounded-md border border-teal-200 bg-teal-50/50 p-3" aria-live="polite">
              <div className="flex items-center justify-between text-sm">
                <span className="font-medium text-teal-900">
                  Backup {running.status === "queued" ? "queued" : "running"}
                </span>
                <span className="text-xs tabular-nums text-slate-600" data-testid="backup-progress">
                  {progress?.tablesTotal
                    ? `${progress.tablesDone ?? 0} of ${progress.tablesTotal} tables · ${formatBytes(progress.bytes ?? 0)} · ${formatBytes(progress.bytesPerSecond ?? 0)}/s`
                    : "starting…"}
                </span>
              </div>
              <ProgressBar
                className="mt-2"
                value={progress?.tablesTotal ? (progress.tablesDone ?? 0) : undefined}
                max={progress?.tablesTotal || 1}
                aria-label="Backup progress"
              />
              {progress?.table && <p className="mt-1 font-mono text-xs text-slate-500">{progress.table}</p>}
            </div>
          )}
        </Panel>
        <RetentionPanel />
      </div>
      <DataTable
        label="Backups"
        columns={columns}
        rows={list.data}
        rowKey={(b) => b.id}
        loading={list.isLoading}
        error={list.error?.message}
        empty={
          <EmptyState title="No backups yet">
            Make the first one with “Back up now”. Scheduled backups appear here too.
          </EmptyState>
        }
      />
      {restoring && (
        <RestoreDialog
          backup={restoring}
          onClose={() => setRestoring(null)}
          onRestored={(text) => {
            setRestoring(null);
            setNotice({ tone: "success", text });
            refresh();
          }}
        />
      )}
    </div>
  );
}
