"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, useState } from "react";
import { formatBytes } from "@/format";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { DateTime } from "../ui/date-time";
import { Field, Input } from "../ui/field";
import { Notice } from "../ui/notice";
import { OutcomeBadge, taskLabel } from "./outcome";
import { PullSourceForm } from "./pull-source-form";

type Schedule = RouterOutputs["schedules"]["list"][number];

function inFuture(iso: string): string {
  const minutes = Math.round((new Date(iso).getTime() - Date.now()) / 60_000);
  if (minutes < 1) return "within a minute";
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.round(hours / 24)} days`;
}

/** One schedule: what, when, how it last went, its chain, and what the viewer may do with it. */
export function ScheduleCard({ schedule: s, canAdmin }: { schedule: Schedule; canAdmin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [editing, setEditing] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.schedules.pathKey() });
  const runNow = useMutation(trpc.schedules.runNow.mutationOptions({ onSuccess: refresh }));
  const toggle = useMutation(trpc.schedules.update.mutationOptions({ onSuccess: refresh }));
  const error = runNow.error?.message ?? toggle.error?.message;
  const titleId = `schedule-${s.name}`;

  return (
    <article
      aria-labelledby={titleId}
      data-testid={`schedule-${s.name}`}
      className={`rounded-lg border bg-white ${s.enabled ? "border-slate-200" : "border-dashed border-slate-300 bg-slate-50/60"}`}
    >
      <div className="flex flex-wrap items-start justify-between gap-4 p-4">
        <div className="min-w-0 flex-1 space-y-1">
          <div className="flex flex-wrap items-center gap-2">
            <h3 id={titleId} className="font-mono text-sm font-semibold text-slate-900">
              {s.name}
            </h3>
            {s.system && <Badge tone="info">default</Badge>}
            {s.pullSource && <Badge tone="info">pull source</Badge>}
            {!s.enabled && <Badge tone="warn">disabled</Badge>}
          </div>
          {s.description && <p className="text-sm text-slate-600">{s.description}</p>}
          <p className="text-sm text-slate-800">
            <span data-testid="cron-words">{s.cronText}</span>{" "}
            <code className="ml-1 rounded bg-slate-100 px-1 py-0.5 font-mono text-xs text-slate-600">
              {s.cron}
            </code>
          </p>
          {s.pullSource && (
            <p className="truncate text-xs text-slate-500" title={s.pullSource.url}>
              <span className="font-mono">{s.pullSource.url}</span> →{" "}
              <Link
                href={`/datasets/${s.pullSource.dataset}`}
                className="font-medium text-teal-800 hover:underline"
              >
                {s.pullSource.dataset}
              </Link>
              {" · "}timeout {s.pullSource.timeoutMs / 1000} s
            </p>
          )}
        </div>
        <dl className="grid grid-cols-3 gap-x-6 gap-y-1 text-xs">
          <dt className="text-slate-500">Next run</dt>
          <dt className="text-slate-500">Last run</dt>
          <dt className="text-slate-500">Last outcome</dt>
          <dd className="text-sm text-slate-800" title={s.nextFireAt ?? undefined}>
            {s.nextFireAt ? inFuture(s.nextFireAt) : <span className="text-slate-400">—</span>}
          </dd>
          <dd className="text-sm text-slate-800">
            <DateTime value={s.lastFiredAt} format="ago" fallback="never" />
          </dd>
          <dd data-testid="last-outcome">
            <OutcomeBadge status={s.lastOutcome} />
          </dd>
        </dl>
      </div>

      <div className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-100 px-4 py-2.5">
        <ol aria-label={`Chain of ${s.name}`} className="flex flex-wrap items-center gap-1.5 text-xs">
          {s.chain.map((step) => (
            <Fragment key={step.position}>
              {step.position > 0 && (
                <li aria-hidden className="text-slate-300">
                  →
                </li>
              )}
              <li
                className="flex items-center gap-1.5 rounded-md border border-slate-200 bg-slate-50 px-2 py-1"
                title={step.error ?? undefined}
              >
                <span className="text-slate-400 tabular-nums">{step.position + 1}</span>
                {step.jobId ? (
                  <Link href={`/jobs/${step.jobId}`} className="font-medium text-slate-700 hover:underline">
                    {taskLabel(step.task)}
                  </Link>
                ) : (
                  <span className="font-medium text-slate-700">{taskLabel(step.task)}</span>
                )}
                {step.status ? (
                  <OutcomeBadge status={step.status} />
                ) : (
                  <span className="text-slate-400">{s.lastRun ? "not reached" : "—"}</span>
                )}
              </li>
            </Fragment>
          ))}
        </ol>
        <div className="flex items-center gap-2">
          <Button size="sm" variant="secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            {open ? "Hide history" : "History"}
          </Button>
          {canAdmin && (
            <>
              <Button size="sm" onClick={() => setEditing((e) => !e)} aria-expanded={editing}>
                Edit
              </Button>
              <Button
                size="sm"
                disabled={toggle.isPending}
                onClick={() => toggle.mutate({ name: s.name, enabled: !s.enabled })}
              >
                {s.enabled ? "Disable" : "Enable"}
              </Button>
            </>
          )}
          <Button
            size="sm"
            variant="primary"
            disabled={runNow.isPending}
            aria-label={`Run ${s.name} now`}
            onClick={() => runNow.mutate({ name: s.name })}
          >
            {runNow.isPending ? "Starting…" : "Run now"}
          </Button>
        </div>
      </div>
      {s.lastRun?.error && (
        <p className="border-t border-slate-100 px-4 py-2 text-xs text-slate-600">
          <span className="font-medium text-slate-700">Last run:</span> {s.lastRun.error}
        </p>
      )}
      {error && (
        <div className="px-4 pb-3">
          <Notice tone="error">{error}</Notice>
        </div>
      )}
      {editing &&
        canAdmin &&
        (s.pullSource ? (
          <div className="border-t border-slate-100 p-4">
            <PullSourceForm existing={s} onDone={() => setEditing(false)} />
          </div>
        ) : (
          <CronEditor schedule={s} onDone={() => setEditing(false)} />
        ))}
      {open && <History schedule={s} />}
    </article>
  );
}

function CronEditor({ schedule: s, onDone }: { schedule: Schedule; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [cron, setCron] = useState(s.cron);
  const [description, setDescription] = useState(s.description);
  const save = useMutation(
    trpc.schedules.update.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.schedules.pathKey() });
        onDone();
      },
    }),
  );
  return (
    <form
      className="grid gap-3 border-t border-slate-100 p-4 sm:grid-cols-[12rem_1fr_auto] sm:items-start"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ name: s.name, cron, description });
      }}
    >
      <Field label="Cron (UTC)" error={save.error?.message} hint="minute hour day month weekday">
        {(p) => <Input {...p} value={cron} onChange={(e) => setCron(e.target.value)} className="font-mono" />}
      </Field>
      <Field label="Description" optional>
        {(p) => <Input {...p} value={description} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
      <div className="flex gap-2 sm:pt-6">
        <Button type="submit" variant="primary" disabled={save.isPending}>
          Save
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}

function History({ schedule: s }: { schedule: Schedule }) {
  const trpc = useTRPC();
  const runs = useQuery({
    ...trpc.schedules.runs.queryOptions({ name: s.name, limit: 10 }),
    refetchInterval: 3_000,
  });
  const pulls = useQuery({
    ...trpc.schedules.pulls.queryOptions({ name: s.name, limit: 10 }),
    enabled: !!s.pullSource,
    refetchInterval: 3_000,
  });
  return (
    <div className="grid gap-4 border-t border-slate-100 bg-slate-50/50 p-4 lg:grid-cols-2">
      <div>
        <h4 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-slate-500">Recent runs</h4>
        {runs.isPending ? (
          <p className="text-xs text-slate-400">Loading…</p>
        ) : runs.data?.length ? (
          <ul className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white text-xs">
            {runs.data.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center gap-2 px-3 py-2">
                <OutcomeBadge status={r.status} />
                <DateTime value={r.firedAt} format="seconds" />
                <span className="text-slate-500">
                  {r.trigger === "manual" ? `run now by ${r.triggeredBy}` : "cron"}
                </span>
                <span className="text-slate-500">{r.steps.map((st) => taskLabel(st.task)).join(" → ")}</span>
                {r.error && <span className="w-full text-slate-600">{r.error}</span>}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-xs text-slate-500">Not run yet.</p>
        )}
      </div>
      {s.pullSource && (
        <div>
          <h4 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-slate-500">Pulls</h4>
          {pulls.isPending ? (
            <p className="text-xs text-slate-400">Loading…</p>
          ) : pulls.data?.length ? (
            <div className="overflow-x-auto rounded-md border border-slate-200 bg-white">
              <table className="w-full text-xs" aria-label={`Pulls of ${s.name}`}>
                <thead className="text-left text-slate-500">
                  <tr>
                    <th className="px-2 py-1.5 font-medium">When</th>
                    <th className="px-2 py-1.5 font-medium">Status</th>
                    <th className="px-2 py-1.5 font-medium">HTTP</th>
                    <th className="px-2 py-1.5 text-right font-medium">Size</th>
                    <th className="px-2 py-1.5 font-medium">Batch</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {pulls.data.map((p) => (
                    <Fragment key={p.id}>
                      <tr>
                        <td className="px-2 py-1.5">
                          <DateTime value={p.startedAt} format="seconds" />
                        </td>
                        <td className="px-2 py-1.5">
                          <OutcomeBadge status={p.status} />
                        </td>
                        <td className="px-2 py-1.5 tabular-nums">{p.httpStatus ?? "—"}</td>
                        <td className="whitespace-nowrap px-2 py-1.5 text-right tabular-nums">
                          {p.bytes === null ? "—" : formatBytes(p.bytes)}
                        </td>
                        <td className="whitespace-nowrap px-2 py-1.5">
                          {p.batch ? (
                            <Link href={`/jobs/${p.batch.jobId}`} className="text-teal-800 hover:underline">
                              {p.batch.status} · {p.batch.valid} rows
                            </Link>
                          ) : (
                            <span className="text-slate-400">—</span>
                          )}
                        </td>
                      </tr>
                      {p.error && (
                        <tr>
                          <td colSpan={5} className="px-2 pb-1.5 text-red-700">
                            {p.error}
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="text-xs text-slate-500">Not pulled yet.</p>
          )}
        </div>
      )}
    </div>
  );
}
