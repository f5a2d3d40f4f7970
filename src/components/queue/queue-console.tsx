"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useEffect, useId, useState } from "react";
import { formatCount, formatDuration } from "@/format";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { LiveIndicator } from "../jobs/live-jobs";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { Input, Select } from "../ui/field";
import { PageHeader } from "../ui/page-header";
import { Panel } from "../ui/panel";
import { Count, DepthTable, depthDescription, type Overview } from "./depth-table";
import { WorkerFleet } from "./worker-fleet";

type Target = { kind: "task" | "priority" | "dataset"; name: string };

/**
 * The operator's queue console: depth by priority and task, live; the drain forecast; pause and
 * resume per priority, task and dataset; the maintenance switch (admins); and the worker fleet.
 */
export function QueueConsole({ isAdmin }: { isAdmin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sub = useSubscription(trpc.queue.live.subscriptionOptions());
  const o = sub.data?.data as Overview | undefined;
  const [windowMinutes, setWindow] = useState(1);
  const windowId = useId();
  const forecast = useQuery({
    ...trpc.queue.forecast.queryOptions({ windowMinutes }),
    refetchInterval: 5_000,
  });
  // A new snapshot means work moved: refresh the forecast with it (at most once a second).
  const checkedAt = o?.checkedAt;
  useEffect(() => {
    if (checkedAt) void queryClient.invalidateQueries({ queryKey: trpc.queue.forecast.pathKey() });
  }, [checkedAt, queryClient, trpc]);
  const paused = new Set(o?.pauses.map((p) => p.flag));
  const forecastFor = (p: string) => forecast.data?.priorities.find((x) => x.priority === p);
  const maintenance = o?.pauses.find((p) => p.kind === "maintenance");
  const connection = sub.status === "pending" ? "live" : sub.status === "error" ? "offline" : "connecting";

  return (
    <div className="max-w-7xl space-y-5">
      <PageHeader
        title="Queue"
        description="Depth, drain forecast, pauses and the worker fleet, live."
        actions={<LiveIndicator connection={connection} />}
      />
      {isAdmin && <MaintenanceSwitch on={!!maintenance} />}

      <Panel title="Depth by priority" description={depthDescription(o, formatDuration)}>
        <DepthTable
          o={o}
          label="Depth and forecast by priority"
          rowClassName={(p) => (paused.has(`priority:${p}`) ? "bg-amber-50/60" : "")}
          rowBadge={(p) => paused.has(`priority:${p}`) && <Badge tone="warn">paused</Badge>}
          extra={[
            {
              header: "Done / min",
              cell: (p) => {
                const f = forecastFor(p);
                return f ? formatCount(f.finishedPerMinute) : "…";
              },
            },
            {
              header: "Drain forecast",
              align: "left",
              testId: (p) => `forecast-${p}`,
              cell: (p) => {
                const f = forecastFor(p);
                return f ? <ForecastText f={f} paused={paused.has(`priority:${p}`) || !!maintenance} /> : "…";
              },
            },
            {
              header: <span className="sr-only">Pause</span>,
              cell: (p) => (
                <PauseButton target={{ kind: "priority", name: p }} paused={paused.has(`priority:${p}`)} />
              ),
            },
          ]}
        />
        <div className="mt-2 flex flex-wrap items-center gap-2 text-xs text-slate-500">
          <label htmlFor={windowId}>Forecast from the last</label>
          <Select
            id={windowId}
            size="sm"
            value={windowMinutes}
            onChange={(e) => setWindow(Number(e.target.value))}
          >
            {[1, 5, 15, 60].map((m) => (
              <option key={m} value={m}>
                {m} min
              </option>
            ))}
          </Select>
          <span>
            of jobs finished against jobs arriving; the backlog counts Sluice jobs (an upload is one job
            however many chunks it has).
            {forecast.data &&
              forecast.data.measuredOverMinutes < windowMinutes &&
              ` Busy window: rates are measured over the newest ${formatCount(20_000)} jobs (the last ${formatDuration(
                forecast.data.measuredOverMinutes * 60,
              )}).`}
          </span>
        </div>
      </Panel>

      <div className="grid gap-4 lg:grid-cols-2">
        <Panel
          title="By task"
          description="Graphile Worker tasks in the queue; pause a task to hold all of it."
        >
          {o && o.byTask.length === 0 ? (
            <p className="text-sm text-slate-500">The queue is empty.</p>
          ) : (
            <table aria-label="Depth by task" className="w-full text-sm">
              <tbody className="divide-y divide-slate-100">
                {(o?.byTask ?? []).map((t) => {
                  const isPaused = paused.has(`task:${t.task}`);
                  return (
                    <tr key={t.task} className={isPaused ? "bg-amber-50/60" : ""}>
                      <th
                        scope="row"
                        className="py-1.5 pr-3 text-left font-mono text-xs font-medium text-slate-700"
                      >
                        <Link href={`/jobs?task=${t.task}`} className="hover:underline">
                          {t.task}
                        </Link>{" "}
                        {isPaused && <Badge tone="warn">paused</Badge>}
                      </th>
                      <td className="px-2 py-1.5 text-right text-xs tabular-nums text-slate-600">
                        <Count
                          n={t.counts.waiting + t.counts.scheduled}
                          estimated={!!o?.estimated?.tasks.includes(t.task)}
                        />{" "}
                        waiting · {formatCount(t.counts.running)} running · {formatCount(t.counts.retrying)}{" "}
                        retrying
                        {t.counts.failed > 0 && (
                          <span className="text-red-700"> · {formatCount(t.counts.failed)} failed</span>
                        )}
                      </td>
                      <td className="py-1.5 pl-2 text-right">
                        <PauseButton target={{ kind: "task", name: t.task }} paused={isPaused} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </Panel>
        <Paused pauses={o?.pauses ?? []} />
      </div>

      <WorkerFleet workers={o?.workers} />
    </div>
  );
}

function ForecastText({
  f,
  paused,
}: {
  f: RouterOutputs["queue"]["forecast"]["priorities"][number];
  paused: boolean;
}) {
  const backlog = <Count n={f.backlog} estimated={f.backlogEstimated} />;
  if (f.backlog === 0) return <span className="text-slate-400">empty</span>;
  if (paused) return <span className="text-amber-700">paused: {backlog} held</span>;
  if (f.growing)
    return (
      <span className="font-medium text-red-700">
        growing +{formatCount(f.netPerMinute)}/min ({backlog} queued)
      </span>
    );
  if (f.drainSeconds === null) return <span className="text-amber-700">not draining ({backlog} queued)</span>;
  return (
    <span className="text-slate-700">
      empty in ~{formatDuration(f.drainSeconds)}{" "}
      <span className="text-slate-400">
        (at {f.emptyAt ? new Date(f.emptyAt).toLocaleTimeString() : "—"})
      </span>
    </span>
  );
}

function PauseButton({ target, paused }: { target: Target; paused: boolean }) {
  const trpc = useTRPC();
  const pause = useMutation(trpc.queue.pause.mutationOptions());
  const resume = useMutation(trpc.queue.resume.mutationOptions());
  const pending = pause.isPending || resume.isPending;
  const label = `${paused ? "Resume" : "Pause"} ${target.kind} ${target.name}`;
  return (
    <Button
      size="sm"
      variant={paused ? "primary" : "secondary"}
      aria-label={label}
      title={pause.error?.message ?? resume.error?.message ?? label}
      disabled={pending}
      onClick={() =>
        paused ? resume.mutate({ target: target as never }) : pause.mutate({ target: target as never })
      }
    >
      {pending ? "…" : paused ? "Resume" : "Pause"}
    </Button>
  );
}

/** What is paused now, by whom and since when; and pausing a dataset. */
function Paused({ pauses }: { pauses: Overview["pauses"] }) {
  const trpc = useTRPC();
  const datasets = useQuery(trpc.datasets.list.queryOptions());
  const [dataset, setDataset] = useState("");
  const selectId = useId();
  const pausedDatasets = new Set(pauses.filter((p) => p.kind === "dataset").map((p) => p.name));
  return (
    <Panel title="Paused" description="Nothing paused starts until resumed; running jobs finish.">
      {pauses.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="nothing-paused">
          Nothing is paused.
        </p>
      ) : (
        <ul className="space-y-1.5" aria-label="Paused queues and datasets">
          {pauses.map((p) => (
            <li key={p.flag} className="flex items-center justify-between gap-2 text-sm">
              <span>
                <Badge tone="warn">{p.kind}</Badge> <span className="font-medium">{p.name}</span>{" "}
                <span className="text-xs text-slate-500">
                  by {p.pausedBy} at {new Date(p.pausedAt).toLocaleTimeString()}
                  {p.reason ? ` · ${p.reason}` : ""}
                </span>
              </span>
              {p.kind !== "maintenance" && <PauseButton target={{ kind: p.kind, name: p.name }} paused />}
            </li>
          ))}
        </ul>
      )}
      <div className="mt-3 flex items-center gap-2 border-t border-slate-100 pt-3">
        <label htmlFor={selectId} className="text-sm text-slate-600">
          Dataset
        </label>
        <Select id={selectId} size="sm" value={dataset} onChange={(e) => setDataset(e.target.value)}>
          <option value="">choose…</option>
          {(datasets.data ?? [])
            .filter((d) => !pausedDatasets.has(d.name))
            .map((d) => (
              <option key={d.name} value={d.name}>
                {d.name}
              </option>
            ))}
        </Select>
        {dataset && <PauseButton target={{ kind: "dataset", name: dataset }} paused={false} />}
      </div>
    </Panel>
  );
}

/** Admins: stop all new work at once (running jobs finish); everyone sees a banner until it is off. */
function MaintenanceSwitch({ on }: { on: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const reasonId = useId();
  const set = useMutation(
    trpc.queue.setMaintenance.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        void queryClient.invalidateQueries({ queryKey: trpc.queue.maintenance.queryKey() });
      },
    }),
  );
  return (
    <div
      className={`flex flex-wrap items-center justify-between gap-3 rounded-lg border px-4 py-3 ${on ? "border-amber-300 bg-amber-50" : "border-slate-200 bg-white"}`}
    >
      <div>
        <p className="text-sm font-semibold text-slate-800">Maintenance switch {on ? "is ON" : "is off"}</p>
        <p className="text-xs text-slate-500">
          On: no new job starts on any worker; running jobs finish; everyone sees a banner.
        </p>
      </div>
      {on ? (
        <Button
          variant="primary"
          size="sm"
          disabled={set.isPending}
          onClick={() => set.mutate({ on: false })}
        >
          Switch maintenance off
        </Button>
      ) : (
        <Button variant="danger-outline" size="sm" onClick={() => setOpen(true)}>
          Switch maintenance on
        </Button>
      )}
      <ConfirmDialog
        open={open}
        title="Pause all new work?"
        confirmLabel="Switch maintenance on"
        pending={set.isPending}
        error={set.error?.message ?? null}
        onConfirm={() => set.mutate({ on: true, reason: reason || undefined })}
        onCancel={() => setOpen(false)}
      >
        <label htmlFor={reasonId} className="block text-sm text-slate-600">
          Reason, shown in the banner (optional)
        </label>
        <Input
          id={reasonId}
          value={reason}
          maxLength={500}
          onChange={(e) => setReason(e.target.value)}
          className="mt-1"
        />
      </ConfirmDialog>
    </div>
  );
}
