"use client";

import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useId, useState } from "react";
import { hasRole, type Role } from "@/auth/roles";
import { formatCount, formatDuration, secondsBetween } from "@/format";
import { PRIORITIES } from "@/queue/priorities";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { Button } from "../ui/button";
import { DateTime } from "../ui/date-time";
import { EmptyState } from "../ui/empty-state";
import { Input, Select } from "../ui/field";
import { PageHeader } from "../ui/page-header";
import { ProgressBar } from "../ui/progress-bar";
import { type Column, DataTable, Truncate } from "../ui/table";
import { FailureGroups } from "./failure-groups";
import { JobStateBadge, PriorityLabel } from "./job-badges";
import { LiveIndicator, useLiveJobs } from "./live-jobs";

type Job = RouterOutputs["jobs"]["list"]["jobs"][number];

const STATES = ["waiting", "scheduled", "running", "retrying", "failed", "succeeded", "cancelled"] as const;
type State = (typeof STATES)[number];
const STATE_LABEL: Record<State, string> = {
  waiting: "waiting",
  scheduled: "scheduled for later",
  running: "running",
  retrying: "retrying",
  failed: "failed for good",
  succeeded: "succeeded",
  cancelled: "cancelled",
};
const TASKS = ["ping", "ingest", "quality_report"] as const;
type PriorityName = (typeof PRIORITIES)[number];
const PAGE_SIZE = 50;

const num = (n: number | undefined) =>
  n === undefined ? <span className="text-slate-300">—</span> : formatCount(n);

const columns: Column<Job>[] = [
  {
    header: "File",
    grow: true,
    cell: (j) => (
      <Link
        href={`/jobs/${j.id}`}
        className="block truncate font-medium text-slate-900 hover:text-teal-800 hover:underline"
        title={j.fileName ?? j.type}
      >
        {j.fileName ?? <span className="font-mono text-xs">{j.type}</span>}
      </Link>
    ),
  },
  {
    header: "Dataset",
    cell: (j) =>
      j.dataset ? (
        <Link href={`/datasets/${j.dataset}`} className="font-mono text-xs text-slate-700 hover:underline">
          {j.dataset}
        </Link>
      ) : (
        <span className="text-slate-300">—</span>
      ),
  },
  { header: "State", cell: (j) => <JobStateBadge state={j.state} /> },
  {
    header: "Attempts",
    className: "text-right tabular-nums",
    cell: (j) => (j.attempts > 1 ? <span className="text-amber-700">{j.attempts}</span> : j.attempts),
  },
  { header: "Priority", cell: (j) => <PriorityLabel priority={j.priority} /> },
  {
    header: "Progress",
    cell: (j) => {
      const pct = j.status === "succeeded" ? 100 : Math.floor(j.progress * 100);
      return (
        <span className="flex w-24 items-center gap-1.5" title={`${pct}%`}>
          <ProgressBar
            aria-label={`Progress of ${j.fileName ?? j.type}`}
            value={pct}
            max={100}
            tone={
              j.status === "failed"
                ? "red"
                : j.status === "succeeded"
                  ? "green"
                  : j.status === "cancelled"
                    ? "slate"
                    : "teal"
            }
            className="h-1.5"
          />
          {j.status === "running" && <span className="text-xs tabular-nums text-slate-500">{pct}%</span>}
        </span>
      );
    },
  },
  { header: "Rows", className: "text-right tabular-nums", cell: (j) => num(j.counts?.rows) },
  { header: "Valid", className: "text-right tabular-nums", cell: (j) => num(j.counts?.valid) },
  {
    header: "Rejected",
    className: "text-right tabular-nums",
    cell: (j) =>
      j.counts && j.counts.rejected > 0 ? (
        <span className="font-medium text-red-700">{formatCount(j.counts.rejected)}</span>
      ) : (
        num(j.counts?.rejected)
      ),
  },
  {
    header: "Duplicates",
    className: "text-right tabular-nums",
    cell: (j) =>
      j.counts && j.counts.duplicates > 0 ? (
        <span className="font-medium text-amber-700">{formatCount(j.counts.duplicates)}</span>
      ) : (
        num(j.counts?.duplicates)
      ),
  },
  {
    header: "Created by",
    cell: (j) =>
      j.createdBy ? (
        <Truncate className="max-w-36">{j.createdBy}</Truncate>
      ) : (
        <span className="text-slate-300">—</span>
      ),
  },
  { header: "Created", cell: (j) => <DateTime value={j.createdAt} format="ago" /> },
  {
    header: "Duration",
    className: "text-right tabular-nums",
    cell: (j) => {
      const s = secondsBetween(j.startedAt, j.finishedAt);
      return s === null ? <span className="text-slate-300">—</span> : formatDuration(s);
    },
  },
];

/** Jobs: every pipeline run, newest first, filtered by owner, dataset, status and priority; live. */
export function JobList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const params = useSearchParams();
  const filters = {
    mine: params.get("mine") === "1",
    task: params.get("task") || undefined,
    dataset: params.get("dataset") || undefined,
    state: (STATES as readonly string[]).includes(params.get("state") ?? "")
      ? (params.get("state") as State)
      : undefined,
    priority: (PRIORITIES as readonly string[]).includes(params.get("priority") ?? "")
      ? (params.get("priority") as PriorityName)
      : undefined,
    q: params.get("q") || undefined,
    from: toIso(params.get("from")),
    to: toIso(params.get("to")),
    sort: params.get("sort") === "oldest" ? ("oldest" as const) : ("newest" as const),
  };
  const filtered =
    filters.mine ||
    filters.task ||
    filters.dataset ||
    filters.state ||
    filters.priority ||
    filters.q ||
    filters.from ||
    filters.to;
  const me = useQuery(trpc.system.whoami.queryOptions());
  const isOperator = !!me.data && hasRole(me.data.role as Role, "operator");

  const setFilter = (name: string, value: string | null) => {
    const next = new URLSearchParams(params.toString());
    if (value) next.set(name, value);
    else next.delete(name);
    const qs = next.toString();
    window.history.replaceState(null, "", qs ? `?${qs}` : window.location.pathname);
  };

  const datasets = useQuery(trpc.datasets.list.queryOptions());
  const jobs = useInfiniteQuery(
    trpc.jobs.list.infiniteQueryOptions(
      { ...filters, limit: PAGE_SIZE },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const live = useLiveJobs({}, () => {
    void queryClient.invalidateQueries({ queryKey: trpc.jobs.list.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.jobs.failureGroups.pathKey() });
  });
  const { sort: _sort, state: _state, ...groupFilter } = filters;
  const rows = jobs.data?.pages.flatMap((p) => p.jobs);

  return (
    <div className="max-w-7xl space-y-4">
      <PageHeader
        title="Jobs"
        description="Every pipeline run. Search, filter and page through all of them; updates live as workers report."
        actions={<LiveIndicator connection={live} />}
      />
      <div className="flex flex-wrap items-end gap-3">
        <fieldset className="flex rounded-md border border-slate-300 bg-white p-0.5">
          <legend className="sr-only">Whose jobs</legend>
          {(
            [
              ["All", false],
              ["Mine", true],
            ] as const
          ).map(([label, mine]) => (
            <label
              key={label}
              className={`relative cursor-pointer rounded px-3 py-1 text-sm font-medium has-focus-visible:ring-2 has-focus-visible:ring-teal-600/30 ${
                filters.mine === mine ? "bg-teal-700 text-white" : "text-slate-600 hover:text-slate-900"
              }`}
            >
              <input
                type="radio"
                name="whose-jobs"
                // Transparent over the whole pill, so a click lands on the radio itself.
                className="absolute inset-0 m-0 h-full w-full cursor-pointer appearance-none rounded opacity-0"
                checked={filters.mine === mine}
                onChange={() => setFilter("mine", mine ? "1" : null)}
              />
              {label}
            </label>
          ))}
        </fieldset>
        <SearchBox value={filters.q ?? ""} onChange={(v) => setFilter("q", v)} />
        <FilterSelect
          label="Task"
          value={filters.task ?? ""}
          options={TASKS}
          onChange={(v) => setFilter("task", v)}
        />
        <FilterSelect
          label="Dataset"
          value={filters.dataset ?? ""}
          options={(datasets.data ?? []).map((d) => d.name)}
          onChange={(v) => setFilter("dataset", v)}
        />
        <FilterSelect
          label="State"
          value={filters.state ?? ""}
          options={STATES}
          labels={STATE_LABEL}
          onChange={(v) => setFilter("state", v)}
        />
        <FilterSelect
          label="Priority"
          value={filters.priority ?? ""}
          options={PRIORITIES}
          onChange={(v) => setFilter("priority", v)}
        />
        <TimeFilter label="From" value={params.get("from") ?? ""} onChange={(v) => setFilter("from", v)} />
        <TimeFilter label="To" value={params.get("to") ?? ""} onChange={(v) => setFilter("to", v)} />
        <FilterSelect
          label="Sort"
          value={filters.sort === "oldest" ? "oldest" : ""}
          options={["oldest"]}
          anyLabel="newest first"
          labels={{ oldest: "oldest first" }}
          onChange={(v) => setFilter("sort", v)}
        />
        {filtered && (
          <Button size="sm" onClick={() => window.history.replaceState(null, "", window.location.pathname)}>
            Clear filters
          </Button>
        )}
      </div>
      {(!filters.state || filters.state === "failed") && (
        <FailureGroups filter={groupFilter} canRetry={isOperator} />
      )}
      {jobs.data?.pages[0]?.searchLimited && (
        <p
          role="status"
          data-testid="search-limited"
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800"
        >
          More than {formatCount(jobs.data.pages[0].searchLimited)} jobs contain “{filters.q}”: the search
          stops there, so these are ordered among the first {formatCount(jobs.data.pages[0].searchLimited)}{" "}
          matches found, not necessarily the newest of all. Narrow it with more words, a task, a state or a
          time range.
        </p>
      )}
      <DataTable
        label="Jobs"
        columns={columns}
        rows={rows}
        rowKey={(j) => j.id}
        loading={jobs.isPending}
        error={jobs.error?.message}
        rowClassName={(j) => (j.status === "failed" ? "bg-red-50/40 text-slate-600" : "text-slate-600")}
        empty={
          filtered ? (
            <EmptyState title="No jobs match these filters" />
          ) : (
            <EmptyState title="No jobs yet">
              <p>Jobs appear here when someone uploads a file, or automation calls the API.</p>
            </EmptyState>
          )
        }
      />
      {rows && rows.length > 0 && (
        <div className="flex items-center justify-between text-xs text-slate-500">
          <span>
            Showing {formatCount(rows.length)} {rows.length === 1 ? "job" : "jobs"}
            {!jobs.hasNextPage && " · all of them"}
          </span>
          {jobs.hasNextPage && (
            <Button onClick={() => jobs.fetchNextPage()} disabled={jobs.isFetchingNextPage}>
              {jobs.isFetchingNextPage ? "Loading…" : "Load more"}
            </Button>
          )}
        </div>
      )}
    </div>
  );
}

function FilterSelect({
  label,
  value,
  options,
  labels,
  anyLabel = "Any",
  onChange,
}: {
  label: string;
  value: string;
  options: readonly string[];
  labels?: Record<string, string>;
  anyLabel?: string;
  onChange: (value: string | null) => void;
}) {
  return (
    <LabelledFilter label={label}>
      {(id) => (
        <Select
          id={id}
          size="sm"
          value={value}
          onChange={(e) => onChange(e.target.value || null)}
          className="min-w-28"
        >
          <option value="">{anyLabel}</option>
          {options.map((o) => (
            <option key={o} value={o}>
              {labels?.[o] ?? o}
            </option>
          ))}
        </Select>
      )}
    </LabelledFilter>
  );
}

/** A filter control with its label beside it, tied by id. */
function LabelledFilter({ label, children }: { label: string; children: (id: string) => React.ReactNode }) {
  const id = useId();
  return (
    <div className="flex items-center gap-1.5">
      <label htmlFor={id} className="text-sm text-slate-600">
        {label}
      </label>
      {children(id)}
    </div>
  );
}

/** `datetime-local` values (local time) as ISO instants for the server. */
function toIso(local: string | null): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Free text over payloads, errors and ids; waits for a pause in typing before searching. */
function SearchBox({ value, onChange }: { value: string; onChange: (value: string | null) => void }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const t = setTimeout(() => onChange(text.trim() || null), 300);
    return () => clearTimeout(t);
  }, [text, value, onChange]);
  return (
    <Input
      type="search"
      aria-label="Search jobs"
      placeholder="Search payload, error or id…"
      value={text}
      onChange={(e) => setText(e.target.value)}
      className="h-7! w-64 text-xs"
    />
  );
}

function TimeFilter({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string | null) => void;
}) {
  return (
    <LabelledFilter label={label}>
      {(id) => (
        <Input
          id={id}
          type="datetime-local"
          value={value}
          onChange={(e) => onChange(e.target.value || null)}
          className="h-7! w-44 py-0 text-xs"
        />
      )}
    </LabelledFilter>
  );
}
