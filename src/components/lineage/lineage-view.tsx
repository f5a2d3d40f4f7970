"use client";

import { skipToken, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatBytes, formatCount } from "@/format";
import { useTRPC } from "@/trpc/react";
import { ExportButtons } from "../publish/export-buttons";
import { DateTime } from "../ui/date-time";
import { LineageGraph } from "./lineage-graph";

/**
 * The lineage page of a batch, or of one production row (named by its natural key): the graph,
 * then the facts it summarises (the upload's full SHA-256, the row's values as the viewer may see
 * them) and the batch's downloads.
 */
export function LineageView(
  props: { batchId: string } | { dataset: string; rowKey: Record<string, string | number> },
) {
  const trpc = useTRPC();
  const byBatch = useQuery(
    trpc.batches.lineage.queryOptions("batchId" in props ? { batchId: props.batchId } : skipToken),
  );
  const byRow = useQuery(
    trpc.datasets.rowLineage.queryOptions(
      "dataset" in props ? { name: props.dataset, key: props.rowKey } : skipToken,
    ),
  );
  const query = "batchId" in props ? byBatch : byRow;
  const l = query.data;
  const row = l?.row;
  const title = "dataset" in props ? "Lineage of a production row" : "Lineage of a batch";

  return (
    <div className="max-w-6xl space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/datasets" className="hover:text-slate-800 hover:underline">
          Datasets
        </Link>{" "}
        <span aria-hidden>/</span>{" "}
        {l ? (
          <Link
            href={`/datasets/${l.dataset.name}`}
            className="font-mono text-xs hover:text-slate-800 hover:underline"
          >
            {l.dataset.name}
          </Link>
        ) : (
          <span>…</span>
        )}{" "}
        <span aria-hidden>/</span> <span>lineage</span>
      </nav>
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
          <p className="mt-0.5 text-sm text-slate-500">
            {row && l ? (
              <>
                The row{" "}
                <code className="font-mono text-xs text-slate-800">
                  {Object.entries(row.key)
                    .map(([k, v]) => `${k} = ${v}`)
                    .join(", ")}
                </code>{" "}
                of <code className="font-mono text-xs">production.{l.dataset.name}</code> was last written by
                batch <code className="font-mono text-xs">{l.batch.id.slice(0, 8)}</code>. Follow it back to
                the file it came from.
              </>
            ) : (
              <>Where this batch came from and where it went: every step links to its page.</>
            )}
          </p>
        </div>
        {l && <ExportButtons source={{ batchId: l.batch.id }} label="Download this batch" />}
      </header>

      {query.error && (
        <div
          role="alert"
          className="max-w-xl rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800"
        >
          {query.error.message}
        </div>
      )}
      {!l && !query.error && <p className="text-sm text-slate-400">Loading the lineage…</p>}
      {l && <LineageGraph lineage={l} row={row} />}

      {l && (
        <div className="grid gap-4 md:grid-cols-2">
          <section
            aria-labelledby="lineage-upload-title"
            className="rounded-lg border border-slate-200 bg-white p-4"
          >
            <h2 id="lineage-upload-title" className="mb-2 text-sm font-semibold text-slate-800">
              The upload
            </h2>
            <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1.5 text-sm">
              <dt className="text-slate-500">File</dt>
              <dd className="truncate text-slate-800">{l.upload.fileName}</dd>
              <dt className="text-slate-500">Size</dt>
              <dd className="text-slate-800">
                {formatBytes(l.upload.bytes)}{" "}
                <span className="text-xs text-slate-500">({formatCount(l.upload.bytes)} bytes)</span>
              </dd>
              <dt className="text-slate-500">SHA-256</dt>
              <dd>
                <code
                  data-testid="lineage-sha256"
                  className="block break-all font-mono text-xs text-slate-700"
                >
                  {l.upload.sha256}
                </code>
              </dd>
              <dt className="text-slate-500">Uploaded by</dt>
              <dd className="text-slate-800">{l.upload.uploadedBy}</dd>
              <dt className="text-slate-500">When</dt>
              <dd className="text-slate-800">
                <DateTime value={l.upload.uploadedAt} format="seconds" />
              </dd>
            </dl>
          </section>
          {row ? (
            <section
              aria-labelledby="lineage-row-title"
              className="rounded-lg border border-slate-200 bg-white p-4"
            >
              <h2 id="lineage-row-title" className="mb-2 text-sm font-semibold text-slate-800">
                The row now
              </h2>
              <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1.5 text-sm">
                {Object.entries(row.values).map(([k, v]) => (
                  <div key={k} className="contents">
                    <dt className="truncate font-mono text-xs leading-5 text-slate-500">{k}</dt>
                    <dd className="truncate text-slate-800">
                      {v === null ? <span className="text-slate-300">—</span> : String(v)}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          ) : (
            <section
              aria-labelledby="lineage-prod-title"
              className="rounded-lg border border-slate-200 bg-white p-4"
            >
              <h2 id="lineage-prod-title" className="mb-2 text-sm font-semibold text-slate-800">
                In production
              </h2>
              <p className="text-sm text-slate-600">
                {l.production.inProduction
                  ? `${formatCount(l.production.rowsFromBatch)} rows of production.${l.dataset.name} were last written by this batch.`
                  : "This batch is not in production."}{" "}
                <Link
                  href={`/datasets/${l.dataset.name}/history`}
                  className="font-medium text-teal-700 hover:underline"
                >
                  History of {l.dataset.name}
                </Link>
              </p>
            </section>
          )}
        </div>
      )}
    </div>
  );
}
