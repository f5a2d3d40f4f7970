"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { formatCount, plural } from "@/format";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { Button } from "../ui/button";
import { DateTime } from "../ui/date-time";
import { Notice } from "../ui/notice";
import { ChangedRows } from "./changed-rows";
import { describeMode } from "./promotion-status";

type Preview = RouterOutputs["promotions"]["preview"];
type Result = RouterOutputs["promotions"]["promote"];
type ReadyBatch = RouterOutputs["promotions"]["ready"][number];

/**
 * What promoting one staged batch would do to production (rows to insert, update, leave and, in
 * replace mode, delete, with a sample of the updates old beside new), and the one button that does
 * it. After promoting it shows what was done and where to find it (and revert it) in the history.
 */
export function PromotionPreview({ batchId }: { batchId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const preview = useQuery({
    ...trpc.promotions.preview.queryOptions({ batchId }),
    retry: (n, err) => n < 2 && !/NOT_FOUND|CONFLICT|No batch|only a staged batch/.test(err.message),
    // The quality gate's report is computed just after staging: ask again until it is there.
    refetchInterval: (query) => (query.state.data && !query.state.data.quality ? 1000 : false),
  });
  const ready = useQuery(trpc.promotions.ready.queryOptions());
  const history = useQuery(
    trpc.promotions.list.queryOptions({ dataset: preview.data?.dataset }, { enabled: !!preview.data }),
  );
  // The preview as it was when the button was pressed: what the result is read against.
  const [applied, setApplied] = useState<{ preview: Preview; staged?: ReadyBatch; result: Result } | null>(
    null,
  );
  const promote = useMutation(
    trpc.promotions.promote.mutationOptions({
      onSuccess: (result) => {
        if (preview.data) setApplied({ preview: preview.data, staged, result });
        // Not the preview itself: it keeps showing what was reviewed next to the result.
        void queryClient.invalidateQueries({ queryKey: trpc.promotions.ready.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.promotions.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.datasets.rows.pathKey() });
      },
      onError: () => void preview.refetch(),
    }),
  );

  // Once promoted the batch leaves the ready list; what it said about the batch is kept.
  const staged = applied ? applied.staged : ready.data?.find((b) => b.batchId === batchId);
  const p = applied?.preview ?? preview.data;
  if (!p) {
    return (
      <div className="max-w-6xl space-y-5">
        <Breadcrumb batchId={batchId} />
        {preview.error ? (
          <div className="max-w-xl rounded-lg border border-slate-200 bg-white p-6">
            <h1 className="text-xl font-semibold tracking-tight">This batch cannot be promoted</h1>
            <p className="mt-2 text-sm text-slate-600">{preview.error.message}</p>
            <Link
              href="/promotions"
              className="mt-4 inline-block text-sm font-medium text-teal-700 hover:underline"
            >
              Back to promotions
            </Link>
          </div>
        ) : (
          <p className="text-sm text-slate-400">Comparing the batch with production…</p>
        )}
      </div>
    );
  }

  const jobId = staged?.jobId ?? history.data?.find((h) => h.batchId === batchId)?.jobId;
  const replace = p.mode === "replace";
  const nothingToDo = p.insert === 0 && p.update === 0 && p.delete === 0;

  return (
    <div className="max-w-6xl space-y-5">
      <Breadcrumb batchId={batchId} />
      <header>
        <h1 className="text-2xl font-semibold tracking-tight">Review promotion</h1>
        <p className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-sm text-slate-500">
          {jobId ? (
            <Link href={`/jobs/${jobId}`} className="font-medium text-slate-800 hover:underline">
              {p.fileName}
            </Link>
          ) : (
            <span className="font-medium text-slate-800">{p.fileName}</span>
          )}
          <span aria-hidden>→</span>
          <Link href={`/datasets/${p.dataset}`} className="font-mono text-xs text-teal-700 hover:underline">
            production.{p.dataset}
          </Link>
          {staged && (
            <span>
              · staged <DateTime value={staged.stagedAt} format="ago" />
              {staged.uploadedBy && <> by {staged.uploadedBy}</>}
            </span>
          )}
        </p>
      </header>

      <section aria-labelledby="effect-title" className="space-y-3">
        <h2 id="effect-title" className="text-sm font-semibold text-slate-800">
          {applied
            ? "What was reviewed before promoting"
            : p.alreadyApplied
              ? "Against production as it is now"
              : "What promoting this batch does"}
        </h2>
        <dl className={`grid grid-cols-2 gap-3 ${replace ? "sm:grid-cols-4" : "sm:grid-cols-3"}`}>
          <CountCard label="To insert" value={p.insert} testId="promote-inserted" tone="text-emerald-700" />
          <CountCard label="To update" value={p.update} testId="promote-updated" tone="text-amber-700" />
          <CountCard label="Unchanged" value={p.unchanged} testId="promote-unchanged" tone="text-slate-500" />
          {replace && (
            <CountCard
              label="To delete"
              value={p.delete}
              testId="promote-deleted"
              tone={p.delete ? "text-red-700" : "text-slate-900"}
              danger={p.delete > 0}
            />
          )}
        </dl>
        <p className="text-sm text-slate-600">
          <span className="font-medium text-slate-800">Mode:</span>{" "}
          <span className="font-mono text-xs text-slate-800">{p.mode}</span> — {describeMode(p.mode, p.key)}.
        </p>
        {replace && p.delete > 0 && !applied && !p.alreadyApplied && (
          <Notice tone="warning" title={`Replace mode deletes ${plural(p.delete, "production row")}`}>
            Rows in production.{p.dataset} that are not in this batch are deleted when it is promoted. A
            revert brings them back.
          </Notice>
        )}
      </section>

      <Outcome
        preview={p}
        applied={applied}
        pending={promote.isPending}
        error={promote.error?.message ?? null}
        nothingToDo={nothingToDo}
        onPromote={(overrideReason) => promote.mutate({ batchId, overrideReason })}
      />

      {p.update > 0 && (
        <section aria-labelledby="changes-title" className="space-y-2">
          <h2 id="changes-title" className="text-sm font-semibold text-slate-800">
            Rows to update
          </h2>
          {p.sampleChanged.length > 0 ? (
            <ChangedRows rows={p.sampleChanged} keyColumns={p.key} total={p.update} />
          ) : (
            <p className="text-sm text-slate-500">No sample of the changed rows is available.</p>
          )}
        </section>
      )}
    </div>
  );
}

function Breadcrumb({ batchId }: { batchId: string }) {
  return (
    <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
      <Link href="/promotions" className="hover:text-slate-800 hover:underline">
        Promotions
      </Link>{" "}
      <span aria-hidden>/</span> <span>Review</span>{" "}
      <span className="font-mono text-xs">{batchId.slice(0, 8)}</span>
    </nav>
  );
}

function CountCard({
  label,
  value,
  testId,
  tone,
  danger,
}: {
  label: string;
  value: number;
  testId: string;
  tone: string;
  danger?: boolean;
}) {
  return (
    <div
      className={`rounded-lg border px-4 py-3 ${danger ? "border-red-300 bg-red-50" : "border-slate-200 bg-white"}`}
    >
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd
        data-testid={testId}
        className={`mt-1 text-2xl font-semibold tabular-nums ${value ? tone : "text-slate-900"}`}
      >
        {formatCount(value)}
      </dd>
    </div>
  );
}

/** The action, or what became of it: the button, the result, or "already in production". */
function Outcome({
  preview: p,
  applied,
  pending,
  error,
  nothingToDo,
  onPromote,
}: {
  preview: Preview;
  applied: { result: Result } | null;
  pending: boolean;
  error: string | null;
  nothingToDo: boolean;
  onPromote: (overrideReason?: string) => void;
}) {
  const historyLink = (
    <Link href="/promotions#history" className="font-medium underline hover:no-underline">
      See it in the promotion history
    </Link>
  );
  if (applied) {
    const r = applied.result;
    const parts = [
      `${formatCount(r.inserted)} inserted`,
      `${formatCount(r.updated)} updated`,
      `${formatCount(r.unchanged)} unchanged`,
      ...(r.deleted !== undefined ? [`${formatCount(r.deleted)} deleted`] : []),
    ];
    return (
      <Notice tone="success" title="Promoted to production">
        <p>
          production.{p.dataset}: {parts.join(" · ")}. {historyLink} (where it can be reverted), or{" "}
          <Link href={`/datasets/${p.dataset}`} className="font-medium underline hover:no-underline">
            browse the production rows
          </Link>
          .
        </p>
      </Notice>
    );
  }
  if (p.alreadyApplied) {
    return (
      <Notice tone="success" title="Already in production">
        <p>
          This batch was promoted (promotion{" "}
          <code className="font-mono text-xs">{p.alreadyApplied.slice(0, 8)}</code>
          ). {historyLink}; revert it there to promote it again.
        </p>
      </Notice>
    );
  }
  if (!p.quality?.passed) {
    return <GateOverride preview={p} pending={pending} error={error} onPromote={onPromote} />;
  }
  return (
    <section aria-label="Promote" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      {error && <Notice tone="error">{error}</Notice>}
      <p className="text-sm text-slate-600" data-testid="gate-status">
        <span className="font-medium text-emerald-700">✓ Quality gate passed</span>: overall{" "}
        <Link href={`/quality/batches/${p.batchId}`} className="font-medium underline hover:no-underline">
          {p.quality.overall.toFixed(1)}
        </Link>{" "}
        ≥ {p.quality.minScore}.
      </p>
      <div className="flex items-center gap-4">
        <Button variant="primary" disabled={pending} onClick={() => onPromote()}>
          {pending ? "Promoting…" : "Promote to production"}
        </Button>
        <p className="min-w-0 text-sm text-slate-500">
          {nothingToDo
            ? "Production already holds these rows as they are: promoting records the batch and changes nothing."
            : `Applied to production.${p.dataset} in one transaction; readers never see half of it. It can be reverted from the history.`}
        </p>
      </div>
    </section>
  );
}

/**
 * A batch failing its quality gate (or whose report is not computed yet) is not promoted unless an
 * admin writes why it may go anyway; the server checks again, audits the override and keeps the
 * reason on the promotion.
 */
function GateOverride({
  preview: p,
  pending,
  error,
  onPromote,
}: {
  preview: Preview;
  pending: boolean;
  error: string | null;
  onPromote: (overrideReason?: string) => void;
}) {
  const [reason, setReason] = useState("");
  const q = p.quality;
  const enough = reason.trim().length >= 10;
  return (
    <section
      aria-label="Quality gate"
      data-testid="gate-status"
      className="space-y-3 rounded-lg border border-red-300 bg-red-50 p-4"
    >
      {error && <Notice tone="error">{error}</Notice>}
      <div>
        <h2 className="text-sm font-semibold text-red-800">
          {q ? "✕ This batch fails its quality gate" : "The quality report is still being computed"}
        </h2>
        <p className="mt-1 text-sm text-red-900">
          {q ? (
            <>
              {q.failures.map((f) => `${f.score} ${f.value ?? "n/a"} < ${f.min}`).join("; ")}.{" "}
              <Link
                href={`/quality/batches/${p.batchId}`}
                className="font-medium underline hover:no-underline"
              >
                Read the quality report
              </Link>
              . It can only be promoted if you override the gate with a written reason, which is audited and
              kept with the promotion.
            </>
          ) : (
            "Promotion waits for the quality gate; reload in a moment, or override it with a written reason."
          )}
        </p>
      </div>
      <label className="block text-sm">
        <span className="font-medium text-slate-800">Reason for overriding the gate</span>
        <textarea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          rows={2}
          maxLength={2000}
          placeholder="e.g. Known bad emails from the vendor; fixed upstream in tomorrow's file"
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm outline-none focus:border-teal-600 focus:ring-2 focus:ring-teal-600/20"
        />
        <span className="text-xs text-slate-500">At least 10 characters.</span>
      </label>
      <Button variant="danger" disabled={pending || !enough} onClick={() => onPromote(reason.trim())}>
        {pending ? "Promoting…" : "Override the gate and promote"}
      </Button>
    </section>
  );
}
