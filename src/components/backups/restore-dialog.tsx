"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { formatCount } from "@/format";
import { useTRPC } from "@/trpc/react";
import { Button } from "../ui/button";
import { DateTime, formatDateTime } from "../ui/date-time";
import { Field, Input, Select } from "../ui/field";
import type { Backup } from "./backup-status";

/**
 * Restore, with its consequences first: per table the rows now and in the backup, the promotions
 * made since that the restore undoes, datasets it removes. The admin types the word RESTORE to
 * confirm; the server checks checksums, the schema version and the key before touching anything.
 */
export function RestoreDialog({
  backup,
  onClose,
  onRestored,
}: {
  backup: Backup;
  onClose: () => void;
  onRestored: (message: string) => void;
}) {
  const trpc = useTRPC();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [dataset, setDataset] = useState("");
  const [typed, setTyped] = useState("");
  const preview = useQuery(
    trpc.backups.restorePreview.queryOptions(
      { id: backup.id, dataset: dataset || undefined },
      { retry: false },
    ),
  );
  const restore = useMutation(
    trpc.backups.restore.mutationOptions({
      onSuccess: (r) =>
        onRestored(
          `Restored ${r.dataset ? `dataset ${r.dataset}` : "the whole backup"} from ${formatDateTime(new Date(backup.createdAt))}: ${formatCount(r.rows)} rows in ${r.tables} tables.`,
        ),
    }),
  );
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const p = preview.data;
  const datasetsInBackup = p?.datasetsRestored ?? [];
  const ready = typed === "RESTORE" && p && !p.refusal && !restore.isPending;

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        if (!restore.isPending) onClose();
      }}
      className="m-auto w-full max-w-3xl rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="max-h-[85vh] overflow-y-auto p-5">
        <h2 id={titleId} className="text-base font-semibold">
          Restore backup from <DateTime value={backup.createdAt} />
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Puts the tables back as they were at the snapshot, in one transaction: if anything fails, nothing
          changes. Pipeline work on the affected datasets waits meanwhile. Users, API keys, the audit log and
          the backup list are not rolled back.
        </p>
        <div className="mt-4 flex items-end gap-3">
          <Field label="What to restore" className="w-64">
            {(c) => (
              <Select {...c} value={dataset} onChange={(e) => setDataset(e.target.value)}>
                <option value="">Everything in the backup</option>
                {(dataset
                  ? [dataset, ...datasetsInBackup.filter((d) => d !== dataset)]
                  : datasetsInBackup
                ).map((d) => (
                  <option key={d} value={d}>
                    Only dataset {d}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <p className="pb-2 text-xs text-slate-500">
            Schema {p?.schemaVersion ?? "…"} {p?.encrypted ? "· encrypted" : ""}
          </p>
        </div>
        {preview.isLoading && <p className="mt-4 text-sm text-slate-500">Reading the backup's manifest…</p>}
        {preview.error && (
          <p role="alert" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {preview.error.message}
          </p>
        )}
        {p && (
          <>
            {p.refusal && (
              <p role="alert" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
                {p.refusal}
              </p>
            )}
            <h3 className="mt-4 text-sm font-semibold text-slate-800">Tables</h3>
            <div className="mt-1 max-h-56 overflow-y-auto rounded-md border border-slate-200">
              <table className="w-full text-sm" aria-label="Rows now and in the backup">
                <thead className="sticky top-0 bg-slate-50 text-xs text-slate-500">
                  <tr>
                    <th className="px-3 py-1.5 text-left font-medium">Table</th>
                    <th className="px-3 py-1.5 text-right font-medium">Rows now</th>
                    <th className="px-3 py-1.5 text-right font-medium">In backup</th>
                  </tr>
                </thead>
                <tbody>
                  {p.tables.map((t) => (
                    <tr key={t.table} className="border-t border-slate-100">
                      <td className="px-3 py-1 font-mono text-xs">
                        {t.table}
                        {t.mode === "add-missing" && (
                          <span className="ml-2 font-sans text-slate-500">kept; missing rows added back</span>
                        )}
                      </td>
                      <td className="px-3 py-1 text-right tabular-nums">
                        {t.rowsNow === null ? "—" : formatCount(t.rowsNow)}
                      </td>
                      <td
                        className={`px-3 py-1 text-right tabular-nums ${t.rowsNow !== t.rowsInBackup && t.mode === "replace" ? "font-semibold text-amber-800" : ""}`}
                      >
                        {formatCount(t.rowsInBackup)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <h3 className="mt-4 text-sm font-semibold text-slate-800">Promotions this undoes</h3>
            {p.promotionsUndone.length === 0 ? (
              <p className="mt-1 text-sm text-slate-500">None: nothing was promoted since this backup.</p>
            ) : (
              <ul className="mt-1 space-y-0.5 text-sm" aria-label="Promotions undone">
                {p.promotionsUndone.map((u) => (
                  <li key={u.id}>
                    <span className="font-mono text-xs">{u.dataset}</span> · {formatCount(u.inserted)}{" "}
                    inserted, {formatCount(u.updated)} updated · <DateTime value={u.createdAt} /> by{" "}
                    {u.createdBy}
                  </li>
                ))}
              </ul>
            )}
            {p.datasetsRemoved.length > 0 && (
              <p className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
                Datasets created since the backup are removed with their tables:{" "}
                {p.datasetsRemoved.join(", ")}.
              </p>
            )}
          </>
        )}
        <Field label="Type RESTORE to confirm" className="mt-4 w-64">
          {(c) => (
            <Input {...c} value={typed} autoComplete="off" onChange={(e) => setTyped(e.target.value)} />
          )}
        </Field>
        {restore.error && (
          <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {restore.error.message}
          </p>
        )}
        <div className="mt-5 flex justify-end gap-2">
          <Button onClick={onClose} disabled={restore.isPending}>
            Cancel
          </Button>
          <Button
            variant="danger"
            disabled={!ready}
            onClick={() => restore.mutate({ id: backup.id, dataset: dataset || undefined })}
          >
            {restore.isPending ? "Restoring…" : dataset ? `Restore ${dataset}` : "Restore everything"}
          </Button>
        </div>
      </div>
    </dialog>
  );
}
