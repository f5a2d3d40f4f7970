"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { formatBytes, formatCount, formatDuration, plural, secondsBetween } from "@/format";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { ExportButtons } from "../publish/export-buttons";
import { RowsTable } from "../rows/rows-table";
import { DateTime } from "../ui/date-time";
import { LinkButton } from "../ui/link-button";
import { ProgressBar } from "../ui/progress-bar";
import { Tabs } from "../ui/tabs";
import { JobActions } from "./job-actions";
import { JobStatusBadge, PriorityLabel } from "./job-badges";
import { JobHistory } from "./job-history";
import { LiveIndicator, useLiveJobs } from "./live-jobs";
import { RejectedRows } from "./rejected-rows";

type Job = RouterOutputs["jobs"]["detail"];

const ACTIVE = new Set(["queued", "running"]);

/**
 * One job: what failed first (if it did), then live progress and counts, timings and the upload,
 * and below, the batch's rejected and staged rows. Follows the job's live events and refetches at
 * most once a second while it runs. Admins can open a staged batch's promotion review from here.
 */
export function JobDetail({ id, canPromote = false }: { id: string; canPromote?: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const jobQuery = useQuery({
    ...trpc.jobs.detail.queryOptions({ id }),
    // Live events drive refreshes; the slow poll only covers events lost in transit.
    refetchInterval: (q) => (q.state.data && ACTIVE.has(q.state.data.status) ? 5000 : false),
    retry: (count, err) => count < 2 && !/No job/.test(err.message),
  });
  const job = jobQuery.data;
  const live = useLiveJobs(
    { jobId: id },
    () => queryClient.invalidateQueries({ queryKey: trpc.jobs.detail.queryKey({ id }) }),
    { enabled: !job || ACTIVE.has(job.status) },
  );

  // When the job settles, what the batch holds is final: read it again.
  const previousStatus = useRef<string | undefined>(undefined);
  useEffect(() => {
    const status = job?.status;
    if (previousStatus.current && status && ACTIVE.has(previousStatus.current) && !ACTIVE.has(status)) {
      queryClient.invalidateQueries({ queryKey: trpc.batches.pathKey() });
    }
    previousStatus.current = status;
  }, [job?.status, queryClient, trpc]);

  // Rejects arrive as parts of the file commit: refresh them when the count moves.
  const rejected = job?.counts.rejected;
  useEffect(() => {
    if (rejected === undefined) return;
    queryClient.invalidateQueries({ queryKey: trpc.batches.rejects.pathKey() });
    queryClient.invalidateQueries({ queryKey: trpc.batches.violations.pathKey() });
  }, [rejected, queryClient, trpc]);

  if (jobQuery.error && !job) {
    return (
      <div className="max-w-xl rounded-lg border border-slate-200 bg-white p-6">
        <h1 className="text-xl font-semibold tracking-tight">Job not found</h1>
        <p className="mt-2 text-sm text-slate-600">{jobQuery.error.message}</p>
        <Link href="/jobs" className="mt-4 inline-block text-sm font-medium text-teal-700 hover:underline">
          Back to jobs
        </Link>
      </div>
    );
  }
  if (!job) return <p className="text-sm text-slate-400">Loading the job…</p>;

  const title = job.upload?.fileName ?? job.type;
  return (
    <div className="max-w-6xl space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/jobs" className="hover:text-slate-800 hover:underline">
          Jobs
        </Link>{" "}
        <span aria-hidden>/</span> <span className="font-mono text-xs">{job.id.slice(0, 8)}</span>
      </nav>
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <h1 className="truncate text-2xl font-semibold tracking-tight" title={title}>
            {title}
          </h1>
          <p className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-500">
            <JobStatusBadge status={job.status} testId="job-status" />
            {job.dataset && (
              <span>
                into{" "}
                <Link
                  href={`/datasets/${job.dataset}`}
                  className="font-mono text-xs text-teal-700 hover:underline"
                >
                  {job.dataset}
                </Link>
              </span>
            )}
            <span>
              priority <PriorityLabel priority={job.priority} />
            </span>
            <span className="font-mono text-xs">{job.type}</span>
          </p>
        </div>
        <div className="flex items-center gap-3">
          {ACTIVE.has(job.status) && <LiveIndicator connection={live} />}
          <JobActions id={job.id} status={job.status} priority={job.priority} runAt={job.runAt} />
          {job.batchId && (
            <LinkButton href={`/batches/${job.batchId}/lineage`} size="sm">
              Lineage
            </LinkButton>
          )}
          {job.batchId && job.qualityScore !== null && (
            <LinkButton href={`/quality/batches/${job.batchId}`} size="sm">
              Quality report · {job.qualityScore.toFixed(1)}
            </LinkButton>
          )}
          {canPromote && job.batchId && job.classification && (
            <LinkButton href={`/promotions/preview/${job.batchId}`} variant="primary" size="sm">
              Review promotion
            </LinkButton>
          )}
        </div>
      </header>

      {job.status === "failed" && (
        <section
          role="alert"
          aria-labelledby="job-error-title"
          className="rounded-lg border border-red-300 bg-red-50 p-4 text-red-900"
        >
          <h2 id="job-error-title" className="text-sm font-semibold">
            This job failed{job.attempts > 1 ? ` after ${job.attempts} attempts` : ""}
          </h2>
          <p className="mt-1 whitespace-pre-wrap break-words font-mono text-sm">
            {job.error ?? "No error message was recorded."}
          </p>
        </section>
      )}

      {/* Rows and counts belong to loads; other jobs (pings, reports) have none to show. */}
      {(job.batchId || job.counts.rows > 0) && (
        <>
          <Progress job={job} />
          <Counts job={job} />
        </>
      )}

      <div className="grid gap-4 md:grid-cols-2">
        <Timings job={job} />
        {job.upload && <UploadFacts job={job} upload={job.upload} />}
      </div>

      <JobHistory job={job} />

      {job.batchId && <BatchRows job={job} batchId={job.batchId} />}
    </div>
  );
}

function Progress({ job }: { job: Job }) {
  const total = job.counts.rows;
  const pct = job.status === "succeeded" ? 100 : Math.floor(job.progress * 100);
  const done = job.status === "succeeded" ? total : Math.round(job.progress * total);
  const tone =
    job.status === "failed"
      ? "red"
      : job.status === "succeeded"
        ? "green"
        : job.status === "cancelled"
          ? "slate"
          : "teal";
  return (
    <section aria-label="Progress" className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="text-slate-700">
          {job.status === "queued" ? (
            <>Waiting in the {job.priority} queue for a worker…</>
          ) : total > 0 ? (
            <>
              <strong className="font-semibold text-slate-900 tabular-nums">{formatCount(done)}</strong> of{" "}
              <span className="tabular-nums">{plural(total, "row")}</span> processed
            </>
          ) : job.status === "running" ? (
            <>Reading the file…</>
          ) : (
            <>No rows processed</>
          )}
        </span>
        <span className="flex gap-3 text-xs text-slate-500 tabular-nums">
          <span className="font-medium text-slate-700">{pct}%</span>
          {job.rowsPerSecond !== null && <span>{formatCount(job.rowsPerSecond)} rows/s</span>}
          {job.etaSeconds !== null && (
            <span>{job.etaSeconds < 1 ? "almost done" : `about ${formatDuration(job.etaSeconds)} left`}</span>
          )}
        </span>
      </div>
      <ProgressBar
        data-testid="job-progress"
        aria-label="Job progress"
        value={pct}
        max={100}
        tone={tone}
        className="h-2.5"
      />
    </section>
  );
}

function Counts({ job }: { job: Job }) {
  const cards = [
    { label: "Rows", value: job.counts.rows, testId: "count-rows", tone: "text-slate-900" },
    { label: "Valid", value: job.counts.valid, testId: "count-valid", tone: "text-emerald-700" },
    {
      label: "Rejected",
      value: job.counts.rejected,
      testId: "count-rejected",
      tone: job.counts.rejected ? "text-red-700" : "text-slate-900",
    },
    {
      label: "Duplicates",
      value: job.counts.duplicates,
      testId: "count-duplicates",
      tone: job.counts.duplicates ? "text-amber-700" : "text-slate-900",
    },
  ];
  const c = job.classification;
  return (
    <section aria-label="Counts" className="space-y-2">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {cards.map((card) => (
          <div key={card.label} className="rounded-lg border border-slate-200 bg-white px-4 py-3">
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{card.label}</dt>
            <dd data-testid={card.testId} className={`mt-1 text-2xl font-semibold tabular-nums ${card.tone}`}>
              {formatCount(card.value)}
            </dd>
          </div>
        ))}
      </dl>
      {c && (
        <p className="text-sm text-slate-600">
          Against production:{" "}
          <strong className="font-semibold text-slate-900 tabular-nums">{formatCount(c.new)}</strong> new ·{" "}
          <strong className="font-semibold text-slate-900 tabular-nums">{formatCount(c.changed)}</strong>{" "}
          changed ·{" "}
          <strong className="font-semibold text-slate-900 tabular-nums">{formatCount(c.unchanged)}</strong>{" "}
          unchanged
        </p>
      )}
    </section>
  );
}

function Facts({ title, anchor, children }: { title: string; anchor?: string; children: React.ReactNode }) {
  const id = `facts-${title.toLowerCase()}`;
  return (
    <section
      id={anchor}
      aria-labelledby={id}
      className="scroll-mt-4 rounded-lg border border-slate-200 bg-white p-4"
    >
      <h2 id={id} className="mb-2 text-sm font-semibold text-slate-800">
        {title}
      </h2>
      <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1.5 text-sm">{children}</dl>
    </section>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 text-slate-800">{children}</dd>
    </>
  );
}

function Timings({ job }: { job: Job }) {
  const waited = secondsBetween(job.createdAt, job.startedAt);
  const ran = secondsBetween(job.startedAt, job.finishedAt);
  return (
    <Facts title="Timings">
      <Fact label="Queued">
        <DateTime value={job.createdAt} format="seconds" />
      </Fact>
      <Fact label="Started">
        <DateTime value={job.startedAt} format="seconds" fallback="not yet" />
        {waited !== null && job.startedAt && (
          <span className="ml-2 text-xs text-slate-500">after {formatDuration(waited)} in the queue</span>
        )}
      </Fact>
      <Fact label="Finished">
        <DateTime
          value={job.finishedAt}
          format="seconds"
          fallback={ACTIVE.has(job.status) ? "not yet" : "—"}
        />
        {ran !== null && job.finishedAt && (
          <span className="ml-2 text-xs text-slate-500">ran {formatDuration(ran)}</span>
        )}
      </Fact>
      <Fact label="Attempts">{job.attempts}</Fact>
      {job.runAt && job.status === "queued" && (
        <Fact label="Scheduled for">
          <DateTime value={job.runAt} format="seconds" />
        </Fact>
      )}
    </Facts>
  );
}

function UploadFacts({ job, upload }: { job: Job; upload: NonNullable<Job["upload"]> }) {
  return (
    <Facts title="Upload" anchor="upload">
      <Fact label="File">
        <span className="block truncate" title={upload.fileName}>
          {upload.fileName}
        </span>
      </Fact>
      <Fact label="Size">
        {formatBytes(upload.bytes)}{" "}
        <span className="text-xs text-slate-500">({formatCount(upload.bytes)} bytes)</span>
      </Fact>
      <Fact label="SHA-256">
        <code className="block truncate font-mono text-xs text-slate-600" title={upload.sha256}>
          {upload.sha256}
        </code>
      </Fact>
      <Fact label="Uploaded by">{job.createdBy ?? "—"}</Fact>
      {job.batchId && (
        <Fact label="Batch">
          <code className="font-mono text-xs text-slate-600">{job.batchId}</code>
        </Fact>
      )}
    </Facts>
  );
}

function BatchRows({ job, batchId }: { job: Job; batchId: string }) {
  const trpc = useTRPC();
  // The quality report links here with ?rule=&column= to show one violation's rows.
  const search = useSearchParams();
  const [chosenTab, setTab] = useState<"rejected" | "staged" | null>(null);
  // Until a tab is picked: the rejects when there are any (or may be), else the staged rows.
  const tab = chosenTab ?? (job.counts.rejected > 0 || ACTIVE.has(job.status) ? "rejected" : "staged");
  const dataset = useQuery(
    trpc.datasets.get.queryOptions({ name: job.dataset ?? "" }, { enabled: !!job.dataset }),
  );
  const staged = job.classification !== null;
  return (
    <section id="batch-rows" aria-label="Batch rows" className="scroll-mt-4 space-y-2">
      {staged && (
        <div className="flex justify-end">
          <ExportButtons source={{ batchId }} label="Download the staged rows" />
        </div>
      )}
      <Tabs
        label="Batch rows"
        selected={tab}
        onSelect={setTab}
        tabs={[
          { key: "rejected", label: "Rejected rows", badge: formatCount(job.counts.rejected) },
          { key: "staged", label: "Staged rows", badge: formatCount(job.counts.valid) },
        ]}
      >
        {tab === "rejected" ? (
          <RejectedRows
            batchId={batchId}
            initialRule={search.get("rule") ?? undefined}
            initialColumn={search.get("column") ?? undefined}
            active={ACTIVE.has(job.status)}
            columnOrder={dataset.data?.definition.columns.map((c) => c.name)}
          />
        ) : staged ? (
          <RowsTable source={{ batchId }} label="Staged rows" />
        ) : (
          <p className="rounded-lg border border-slate-200 bg-white px-4 py-8 text-center text-sm text-slate-500">
            {ACTIVE.has(job.status)
              ? "The staged rows can be browsed once the job has finished loading them."
              : "This batch has no staged rows to show."}
          </p>
        )}
      </Tabs>
    </section>
  );
}
