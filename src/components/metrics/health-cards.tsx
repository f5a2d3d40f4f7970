"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { formatCount, formatDuration } from "@/format";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { formatAgo } from "../ui/date-time";

type Summary = RouterOutputs["metrics"]["summary"];

type Tone = "neutral" | "good" | "warn" | "bad";
const TONE: Record<Tone, string> = {
  neutral: "text-slate-900",
  good: "text-emerald-700",
  warn: "text-amber-700",
  bad: "text-red-700",
};

function Card({
  label,
  value,
  note,
  tone = "neutral",
  href,
  testId,
}: {
  label: string;
  value: string;
  note?: string;
  tone?: Tone;
  href?: string;
  testId: string;
}) {
  const body = (
    <>
      <div className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</div>
      <div className={`mt-1 text-2xl font-semibold tabular-nums ${TONE[tone]}`} data-testid={testId}>
        {value}
      </div>
      {note && <div className="mt-0.5 truncate text-xs text-slate-500">{note}</div>}
    </>
  );
  const cls = "block rounded-lg border border-slate-200 bg-white px-4 py-3";
  return href ? (
    <Link href={href} className={`${cls} hover:border-teal-300 hover:bg-teal-50/30`}>
      {body}
    </Link>
  ) : (
    <div className={cls}>{body}</div>
  );
}

/** The pipeline's health at a glance, live: eight numbers an operator checks first. */
export function HealthCards({ showAlerts }: { showAlerts: boolean }) {
  const trpc = useTRPC();
  const sub = useSubscription(trpc.metrics.summaryLive.subscriptionOptions());
  return <HealthCardsView s={sub.data?.data as Summary | undefined} showAlerts={showAlerts} />;
}

/** The cards for a summary another stream delivers (the Overview's one stream). */
export function HealthCardsView({ s, showAlerts }: { s: Summary | undefined; showAlerts: boolean }) {
  const dash = s ? undefined : "…";
  const success = s?.successRate24h;
  return (
    <section aria-label="Health at a glance" className="grid grid-cols-2 gap-3 md:grid-cols-4">
      <Card
        label="Jobs / hour"
        value={dash ?? formatCount(s!.jobsLastHour)}
        note="finished, last 60 min"
        testId="card-jobs-hour"
      />
      <Card
        label="Success rate"
        value={
          dash ??
          (success === null || success === undefined ? "—" : `${success.toFixed(success === 100 ? 0 : 1)} %`)
        }
        note="last 24 h"
        tone={
          success === null || success === undefined
            ? "neutral"
            : success >= 99
              ? "good"
              : success >= 90
                ? "warn"
                : "bad"
        }
        testId="card-success-rate"
      />
      <Card
        label="Avg completion"
        value={dash ?? (s!.avgCompletionMs24h === null ? "—" : formatDuration(s!.avgCompletionMs24h / 1000))}
        note="queued → succeeded, 24 h"
        testId="card-avg-completion"
      />
      <Card
        label="Rows loaded today"
        value={dash ?? formatCount(s!.rowsLoadedToday)}
        note="staged since 00:00 UTC"
        testId="card-rows-today"
      />
      <Card
        label="Current depth"
        value={dash ?? formatCount(s!.currentDepth)}
        note="waiting, scheduled, running, retrying"
        href="/jobs"
        testId="card-depth"
      />
      <Card
        label="Workers alive"
        value={dash ?? formatCount(s!.workersAlive)}
        tone={s ? (s.workersAlive > 0 ? "good" : "bad") : "neutral"}
        note={s && s.workersAlive === 0 ? "nothing will run" : "heartbeating now"}
        testId="card-workers"
      />
      <Card
        label="Last backup"
        value={dash ?? (s!.lastBackup.at ? formatAgo(new Date(s!.lastBackup.at)) : "none")}
        note={s && !s.lastBackup.at ? "no backups yet" : "last successful"}
        tone={s && !s.lastBackup.at ? "warn" : "neutral"}
        testId="card-last-backup"
      />
      <Card
        label="Open alerts"
        value={dash ?? formatCount(s!.openAlerts)}
        tone={s ? (s.openAlerts > 0 ? "bad" : "good") : "neutral"}
        note={s && s.openAlerts === 0 ? "all clear" : "firing now"}
        href={showAlerts ? "/alerts" : undefined}
        testId="card-open-alerts"
      />
    </section>
  );
}
