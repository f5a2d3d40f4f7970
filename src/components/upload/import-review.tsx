"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import type { DatasetDefinition } from "@/datasets/definition";
import { formatDuration, plural } from "@/format";
import { checkMapping, type Mapping } from "@/ingest/mapping";
import type { UploadPreparation } from "@/ingest/prepare";
import { PRIORITIES, type Priority } from "@/queue/priorities";
import { useTRPC } from "@/trpc/react";
import { Button } from "../ui/button";
import { formatDateTime } from "../ui/date-time";
import { Select } from "../ui/field";
import { Notice } from "../ui/notice";
import type { FileHead } from "./file-head";
import { type MappingKind, MappingTable } from "./mapping-table";
import { PreviewTable } from "./preview-table";
import type { UploadState } from "./use-file-upload";

const PRIORITY_HINT: Record<Priority, string> = {
  emergency: "runs before everything else",
  high: "ahead of standard work",
  standard: "the usual queue",
  background: "when nothing else waits",
};

/**
 * Everything between choosing a file and starting its import: the column mapping (suggested by the
 * server, changeable), what it leaves unfilled, header drift and duplicate bytes, a checked
 * preview, the priority and the estimate. Mounted once per (dataset, file), so a new file or
 * dataset starts from the server's suggestion again.
 */
export function ImportReview({
  definition,
  head,
  preparation,
  upload,
}: {
  definition: DatasetDefinition;
  head: FileHead;
  preparation: UploadPreparation;
  upload: UploadState;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const reasonId = useId();
  const [mapping, setMapping] = useState<Mapping>(preparation.suggestion.mapping);
  const [kinds, setKinds] = useState<MappingKind[]>(preparation.suggestion.kinds);
  const [priority, setPriority] = useState<Priority>("standard");
  const { headers } = head;
  const check = checkMapping(headers, mapping, definition);

  const submit = useMutation(
    trpc.uploads.submit.mutationOptions({
      onSuccess: async ({ jobId }) => {
        await queryClient.invalidateQueries({ queryKey: trpc.jobs.list.queryKey() });
        router.push(`/jobs/${jobId}`);
      },
    }),
  );

  const received = upload.phase === "done" ? upload.received : null;
  // The server read the header itself; send the mapping in its column order (they agree unless
  // the file changed on disk between reading and sending).
  const serverMapping = received
    ? received.fileInfo.headers.map((h) => {
        const i = headers.indexOf(h);
        return i >= 0 ? (mapping[i] ?? null) : null;
      })
    : null;
  const headersDiffer =
    received !== null && received.fileInfo.headers.join("\u001f") !== headers.join("\u001f");

  const blocker =
    check.missingRequired.length > 0
      ? `Map ${check.missingRequired.length > 1 ? "the required columns" : "the required column"} ${check.missingRequired.join(", ")} to start the import.`
      : check.duplicated.length > 0
        ? `More than one file column fills ${check.duplicated.join(", ")}; choose one.`
        : upload.phase === "failed"
          ? "The upload failed; choose the file again."
          : upload.phase === "sending" || upload.phase === "processing"
            ? "Waiting for the upload to finish…"
            : upload.phase === "idle"
              ? "The file is not uploaded."
              : headersDiffer
                ? "The file's header changed since it was read; choose the file again."
                : submit.isPending || submit.isSuccess
                  ? "Starting the import…"
                  : null;

  const onChange = (index: number, column: string | null) => {
    setMapping((m) => m.map((c, i) => (i === index ? column : c)));
    setKinds((k) => k.map((kind, i) => (i === index ? (column ? "manual" : "none") : kind)));
    submit.reset();
  };

  const mapped = mapping.filter(Boolean).length;
  const drift = preparation.drift;
  const duplicate = received?.duplicateOf ?? null;

  return (
    <div className="space-y-5">
      {duplicate && (
        <Notice tone="warning" data-testid="duplicate-notice" title="This file was uploaded before">
          These exact bytes were uploaded on {formatDateTime(new Date(duplicate.uploadedAt))} by{" "}
          {duplicate.uploadedBy} as <strong className="font-medium">{duplicate.fileName}</strong>
          {duplicate.jobId ? (
            <>
              {" "}
              →{" "}
              <Link href={`/jobs/${duplicate.jobId}`} className="font-medium underline hover:text-amber-950">
                view that job
              </Link>
              .
            </>
          ) : (
            " (never imported)."
          )}{" "}
          You can still import them again.
        </Notice>
      )}
      {drift && (
        <Notice tone="warning" data-testid="drift-notice" title="The header changed since the last upload">
          Compared with <strong className="font-medium">{drift.previousFile}</strong> (
          {formatDateTime(new Date(drift.previousAt))}):
          <ul className="mt-1 list-disc space-y-0.5 pl-5">
            {drift.renamed.length > 0 && (
              <li>Renamed: {drift.renamed.map((r) => `${r.from} → ${r.to}`).join(", ")}</li>
            )}
            {drift.missing.length > 0 && <li>Missing: {drift.missing.join(", ")}</li>}
            {drift.added.length > 0 && <li>New: {drift.added.join(", ")}</li>}
          </ul>
          <p className="mt-1">Check the mapping below before you start.</p>
        </Notice>
      )}

      <section aria-labelledby="mapping-title" className="space-y-2">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="mapping-title" className="text-sm font-semibold text-slate-800">
            Column mapping
          </h2>
          <p className="text-xs text-slate-500">
            {mapped} of {plural(headers.length, "file column")} mapped
            {preparation.remembered && " · the mapping you confirmed last time for these headers"}
          </p>
        </div>
        {check.missingRequired.length > 0 && (
          <div className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            <strong className="font-semibold">
              Required {check.missingRequired.length > 1 ? "columns" : "column"} not mapped:{" "}
              {check.missingRequired.join(", ")}.
            </strong>{" "}
            Every row needs {check.missingRequired.length > 1 ? "them" : "it"}: pick the file column that
            holds {check.missingRequired.length > 1 ? "each" : "it"} below, or fix the file. The import can't
            start until then.
          </div>
        )}
        <MappingTable
          headers={headers}
          samples={head.rows.slice(0, 5).map((r) => r.fields)}
          definition={definition}
          mapping={mapping}
          kinds={kinds}
          onChange={onChange}
        />
        {check.ignoredHeaders.length > 0 && (
          <Notice tone="warning">
            Not imported (no dataset column):{" "}
            {check.ignoredHeaders.map((h, i) => h || `column ${i + 1}`).join(", ")}.
          </Notice>
        )}
        {check.missingOptional.length > 0 && (
          <p className="text-xs text-slate-500">
            Not in this file, loaded empty: {check.missingOptional.join(", ")}.
          </p>
        )}
      </section>

      <section aria-labelledby="preview-title" className="space-y-2">
        <h2 id="preview-title" className="text-sm font-semibold text-slate-800">
          Preview
        </h2>
        <PreviewTable
          rows={head.rows}
          headers={headers}
          mapping={mapping}
          definition={definition}
          whole={head.whole}
        />
      </section>

      {submit.error && <Notice tone="error">Could not start the import: {submit.error.message}</Notice>}

      <div className="sticky bottom-3 z-10 rounded-lg border border-slate-200 bg-white/95 px-4 py-3 shadow-lg shadow-slate-900/5 backdrop-blur">
        <div className="flex flex-wrap items-end justify-between gap-4">
          <div className="flex items-end gap-4">
            <div>
              <label
                htmlFor={`${reasonId}-priority`}
                className="mb-1 block text-sm font-medium text-slate-700"
              >
                Priority
              </label>
              <Select
                id={`${reasonId}-priority`}
                value={priority}
                onChange={(e) => setPriority(e.target.value as Priority)}
                className="w-40"
              >
                {PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </Select>
            </div>
            <p className="pb-2 text-xs text-slate-500">
              {PRIORITY_HINT[priority]}
              {" · "}
              {preparation.estimateSeconds !== null
                ? `about ${formatDuration(preparation.estimateSeconds)} at recent throughput`
                : "no estimate yet (no earlier imports to measure)"}
            </p>
          </div>
          <div className="flex items-center gap-3">
            {blocker && (
              <p id={reasonId} className="max-w-md text-right text-xs text-slate-600">
                {blocker}
              </p>
            )}
            <Button
              variant="primary"
              disabled={blocker !== null}
              aria-describedby={blocker ? reasonId : undefined}
              onClick={() =>
                received &&
                serverMapping &&
                submit.mutate({ uploadId: received.uploadId, mapping: serverMapping, priority })
              }
            >
              Start import
            </Button>
          </div>
        </div>
      </div>
    </div>
  );
}
