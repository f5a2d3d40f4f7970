"use client";

import { formatDuration, secondsBetween } from "@/format";
import type { RouterOutputs } from "@/trpc/react";
import { Badge } from "../ui/badge";
import { DateTime } from "../ui/date-time";
import { Panel } from "../ui/panel";

type Job = RouterOutputs["jobs"]["detail"];

interface Step {
  at: string;
  label: string;
  tone: "neutral" | "good" | "bad" | "info" | "warn";
  detail?: string;
}

/** Queued → each attempt's start and end → finished, in order. */
function timeline(job: Job): Step[] {
  const steps: Step[] = [
    { at: job.createdAt, label: "Queued", tone: "neutral", detail: `${job.priority} priority` },
  ];
  for (const a of job.attemptRuns) {
    steps.push({ at: a.startedAt, label: `Started ${a.task} (attempt ${a.attempt})`, tone: "info" });
    steps.push({
      at: a.finishedAt,
      label: a.succeeded ? `Finished ${a.task}` : `Failed ${a.task}`,
      tone: a.succeeded ? "good" : "bad",
      detail: a.error?.split("\n")[0],
    });
  }
  if (job.attemptRuns.length === 0 && job.startedAt)
    steps.push({ at: job.startedAt, label: "Started", tone: "info" });
  if (job.finishedAt) {
    steps.push({
      at: job.finishedAt,
      label:
        job.status === "succeeded"
          ? "Succeeded"
          : job.status === "cancelled"
            ? "Cancelled"
            : "Failed for good",
      tone: job.status === "succeeded" ? "good" : job.status === "cancelled" ? "warn" : "bad",
    });
  }
  return steps.sort((a, b) => a.at.localeCompare(b.at));
}

const DOT: Record<Step["tone"], string> = {
  neutral: "bg-slate-400",
  info: "bg-teal-500",
  good: "bg-emerald-500",
  bad: "bg-red-500",
  warn: "bg-amber-500",
};

/** The job's history: timeline, attempts with errors and stacks, log lines, payload, tasks in the queue. */
export function JobHistory({ job }: { job: Job }) {
  const steps = timeline(job);
  const failures = job.attemptRuns.filter((a) => !a.succeeded);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Panel title="Timeline">
        <ol className="relative space-y-3 border-l border-slate-200 pl-4" data-testid="job-timeline">
          {steps.map((s, i) => (
            <li key={`${s.at}-${s.label}`} className="relative">
              <span
                aria-hidden
                className={`absolute -left-[21px] top-1.5 h-2.5 w-2.5 rounded-full ${DOT[s.tone]}`}
              />
              <div className="flex flex-wrap items-baseline gap-x-2 text-sm">
                <span className="font-medium text-slate-800">{s.label}</span>
                <span className="text-xs text-slate-500">
                  <DateTime value={s.at} format="seconds" />
                  {i > 0 && steps[0] && ` · +${formatDuration(secondsBetween(steps[0].at, s.at) ?? 0)}`}
                </span>
              </div>
              {s.detail && <p className="truncate font-mono text-xs text-slate-500">{s.detail}</p>}
            </li>
          ))}
        </ol>
      </Panel>

      <Panel
        title="Attempts"
        titleNote={`(${job.attemptRuns.length} run${job.attemptRuns.length === 1 ? "" : "s"}, ${failures.length} failed)`}
      >
        {job.attemptRuns.length === 0 ? (
          <p className="text-sm text-slate-500">No task of this job has finished a run yet.</p>
        ) : (
          <ul className="space-y-2">
            {job.attemptRuns.map((a) => (
              <li
                key={`${a.startedAt}-${a.task}-${a.attempt}`}
                className="rounded border border-slate-100 px-3 py-2"
              >
                <div className="flex flex-wrap items-center gap-2 text-sm">
                  <Badge tone={a.succeeded ? "good" : "bad"}>{a.succeeded ? "ok" : "failed"}</Badge>
                  <span className="font-mono text-xs">{a.task}</span>
                  <span className="text-xs text-slate-500">attempt {a.attempt}</span>
                  <span className="text-xs text-slate-500">
                    ran {formatDuration(secondsBetween(a.startedAt, a.finishedAt) ?? 0)}
                  </span>
                  {a.workerId && (
                    <span className="text-xs text-slate-400" title={a.workerId}>
                      worker {a.workerId.slice(0, 8)}
                    </span>
                  )}
                </div>
                {a.error && (
                  <details className="mt-1">
                    <summary className="cursor-pointer whitespace-pre-wrap break-words font-mono text-xs text-red-800">
                      {a.error}
                    </summary>
                    {a.stack && (
                      <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-50 p-2 text-[11px] leading-snug text-slate-700">
                        {a.stack}
                      </pre>
                    )}
                  </details>
                )}
              </li>
            ))}
          </ul>
        )}
      </Panel>

      <Panel title="Log">
        {job.logs.length === 0 ? (
          <p className="text-sm text-slate-500">This job has written no log lines.</p>
        ) : (
          <ol className="max-h-72 space-y-0.5 overflow-auto font-mono text-xs" data-testid="job-log">
            {job.logs.map((l) => (
              <li key={l.id} className="flex gap-2">
                <span className="shrink-0 text-slate-400">{new Date(l.at).toLocaleTimeString()}</span>
                <span
                  className={
                    l.level === "error"
                      ? "text-red-700"
                      : l.level === "warn"
                        ? "text-amber-700"
                        : "text-slate-700"
                  }
                >
                  {l.message}
                </span>
              </li>
            ))}
          </ol>
        )}
      </Panel>

      <Panel title="Payload">
        <pre className="max-h-48 overflow-auto rounded bg-slate-50 p-2 text-xs text-slate-700">
          {JSON.stringify(job.payload, null, 2)}
        </pre>
        {job.tasks.length > 0 && (
          <>
            <h3 className="mb-1 mt-3 text-xs font-semibold uppercase tracking-wide text-slate-500">
              In the queue
            </h3>
            <ul className="space-y-1 text-xs">
              {job.tasks.map((t) => (
                <li key={t.id} className="flex flex-wrap gap-x-2 text-slate-600">
                  <span className="font-mono">{t.task}</span>
                  <span>{t.lockedBy ? "running" : `due ${new Date(t.runAt).toLocaleString()}`}</span>
                  <span>
                    attempts {t.attempts}/{t.maxAttempts}
                  </span>
                  <span className="text-slate-400">
                    {t.flags.filter((f) => !f.startsWith("job:")).join(" ")}
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
      </Panel>
    </div>
  );
}
