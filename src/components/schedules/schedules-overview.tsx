"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/trpc/react";
import { Button } from "../ui/button";
import { EmptyState } from "../ui/empty-state";
import { Notice } from "../ui/notice";
import { PageHeader } from "../ui/page-header";
import { PullSourceForm } from "./pull-source-form";
import { ScheduleCard } from "./schedule-card";

/**
 * The Schedules page: every recurring job with its cron in words, next and last run, its chain
 * with each step's latest outcome, and "run now". Refreshes every few seconds while open, so a run
 * started here shows its outcome without a reload.
 */
export function SchedulesOverview({ canAdmin }: { canAdmin: boolean }) {
  const trpc = useTRPC();
  const list = useQuery({ ...trpc.schedules.list.queryOptions(), refetchInterval: 2_000 });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const system = list.data?.filter((s) => s.system) ?? [];
  const own = list.data?.filter((s) => !s.system) ?? [];

  return (
    <div className="max-w-6xl space-y-6">
      <PageHeader
        title="Schedules"
        description="Recurring jobs, fired by the workers' one-minute tick (all times UTC). A chain's next step starts only when the previous one succeeded."
        actions={
          canAdmin && !creating ? (
            <Button variant="primary" onClick={() => setCreating(true)}>
              New pull source
            </Button>
          ) : undefined
        }
      />
      {created && (
        <Notice tone="success">
          Pull source <strong className="font-semibold">{created}</strong> created. Run it now to fetch it at
          once, or let its schedule fire.
        </Notice>
      )}
      {creating && (
        <PullSourceForm
          onDone={(name) => {
            setCreating(false);
            if (name) setCreated(name);
          }}
        />
      )}
      {list.error && <Notice tone="error">Could not load the schedules: {list.error.message}</Notice>}
      {list.isPending && (
        <div className="space-y-3" role="status" aria-busy="true" aria-label="Loading schedules">
          {[0, 1, 2].map((i) => (
            <div key={i} className="h-28 animate-pulse rounded-lg border border-slate-200 bg-white" />
          ))}
        </div>
      )}
      {list.data && (
        <>
          <section aria-labelledby="defaults-title" className="space-y-2">
            <div>
              <h2 id="defaults-title" className="text-sm font-semibold text-slate-800">
                Sluice's schedules
              </h2>
              <p className="text-xs text-slate-500">
                Maintenance Sluice sets up by itself. They can be re-timed or disabled, not removed.
              </p>
            </div>
            {system.length ? (
              system.map((s) => <ScheduleCard key={s.id} schedule={s} canAdmin={canAdmin} />)
            ) : (
              <EmptyState title="No default schedules yet">
                <p>Defaults appear when the workers start with the tasks they need.</p>
              </EmptyState>
            )}
          </section>
          <section aria-labelledby="own-title" className="space-y-2">
            <div>
              <h2 id="own-title" className="text-sm font-semibold text-slate-800">
                Pull sources and other schedules
              </h2>
              <p className="text-xs text-slate-500">
                A pull source fetches a CSV over HTTP(S) on its schedule and loads it like an upload;
                unchanged content is recognised and skipped.
              </p>
            </div>
            {own.length ? (
              own.map((s) => <ScheduleCard key={s.id} schedule={s} canAdmin={canAdmin} />)
            ) : (
              <EmptyState title="No pull sources yet">
                <p>
                  {canAdmin
                    ? "Add one with “New pull source”: a URL serving CSV, a dataset and a schedule."
                    : "An admin can add pull sources: a URL serving CSV, loaded into a dataset on a schedule."}
                </p>
              </EmptyState>
            )}
          </section>
        </>
      )}
    </div>
  );
}
