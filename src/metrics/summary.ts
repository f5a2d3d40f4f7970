import { pool } from "@/db/pool";
import { countLiveWorkers } from "@/queue/worker-registry";
import { reusedFor } from "@/server/reuse";
import { backlog, currentDepth } from "./samples";

export interface HealthSummary {
  /** Sluice jobs finished (succeeded or failed for good) in the last 60 minutes. */
  jobsLastHour: number;
  /** Succeeded / finished over the last 24 h, in percent; null when nothing finished. */
  successRate24h: number | null;
  /** Mean time from queued to succeeded over the last 24 h. */
  avgCompletionMs24h: number | null;
  /** Rows staged since midnight UTC. */
  rowsLoadedToday: number;
  /** Jobs not finished: waiting, scheduled, running, retrying. */
  currentDepth: number;
  workersAlive: number;
  /** The newest successful backup; null before the first. */
  lastBackup: { at: string | null };
  openAlerts: number;
  checkedAt: string;
}

/** When the newest successful backup finished; null before the first. */
export async function lastBackupAt(): Promise<Date | null> {
  const { rows } = await pool().query<{ at: Date | null }>(
    "SELECT max(finished_at) AS at FROM app.backups WHERE status = 'succeeded'",
  );
  return rows[0]?.at ?? null;
}

interface FinishedTotals {
  last_hour: number;
  ok: number;
  bad: number;
  avg_ms: number | null;
}

/** What finished in the last 24 h (and hour): every job of the day, so the costly part. */
async function finishedTotals(): Promise<FinishedTotals> {
  const { rows } = await pool().query<FinishedTotals>(
    `SELECT count(*) FILTER (WHERE finished_at >= now() - interval '1 hour')::int AS last_hour,
            count(*) FILTER (WHERE status = 'succeeded')::int AS ok,
            count(*) FILTER (WHERE status = 'failed')::int AS bad,
            (avg(EXTRACT(EPOCH FROM finished_at - created_at)) FILTER (WHERE status = 'succeeded') * 1000)::float8 AS avg_ms
     FROM app.jobs WHERE finished_at >= now() - interval '24 hours' AND status IN ('succeeded', 'failed')`,
  );
  return rows[0]!;
}

/** The Overview's health-at-a-glance cards, each read straight from its source (indexed reads). */
export async function healthSummary(
  finished: Promise<FinishedTotals> = finishedTotals(),
): Promise<HealthSummary> {
  const db = pool();
  const [j, rows, { depth }, workers, backup, alerts] = await Promise.all([
    finished,
    db.query<{ n: string }>(
      `SELECT COALESCE(sum(valid), 0)::bigint AS n FROM app.batches
       WHERE staged_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
    ),
    currentDepth(db),
    countLiveWorkers(db),
    lastBackupAt(),
    db.query<{ n: number }>("SELECT count(*)::int AS n FROM app.alerts WHERE resolved_at IS NULL"),
  ]);
  return {
    jobsLastHour: j.last_hour,
    successRate24h: j.ok + j.bad === 0 ? null : (j.ok / (j.ok + j.bad)) * 100,
    avgCompletionMs24h: j.avg_ms,
    rowsLoadedToday: Number(rows.rows[0]!.n),
    currentDepth: Object.values(depth).reduce((s, states) => s + backlog(states), 0),
    workersAlive: workers,
    lastBackup: { at: backup?.toISOString() ?? null },
    openAlerts: alerts.rows[0]!.n,
    checkedAt: new Date().toISOString(),
  };
}

const reuseSummary = reusedFor<HealthSummary>();
const reuseFinished = reusedFor<FinishedTotals>();
/** The day's totals move slowly, and reading them costs every job of the day: every 15 s is plenty. */
const FINISHED_MAX_AGE_MS = 15_000;

/**
 * The summary for live streams: one computation per `maxAgeMs` for every subscriber of this
 * process, the last-hour and 24-hour figures at most `FINISHED_MAX_AGE_MS` old.
 */
export function sharedSummary(maxAgeMs = 1_000): Promise<HealthSummary> {
  return reuseSummary(null, maxAgeMs, () =>
    healthSummary(reuseFinished(null, FINISHED_MAX_AGE_MS, finishedTotals)),
  );
}
