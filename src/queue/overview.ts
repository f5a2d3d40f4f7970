import { pool } from "@/db/pool";
import { env } from "@/env";
import { listPauses, type Pause } from "./pauses";
import { PRIORITIES, type Priority, priorityFromGraphile } from "./priorities";

/**
 * The queue as an operator sees it, read from Graphile Worker's public `jobs` view: depth by
 * priority, task and state, the oldest waiting job's age, and the worker fleet from Sluice's own
 * heartbeat table.
 *
 * States: waiting (due, not locked), scheduled (due later), running (locked), retrying (failed at
 * least once, will run again), failed (out of attempts: failed for good).
 */
export const QUEUE_STATES = ["waiting", "scheduled", "running", "retrying", "failed"] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export const STATE_SQL = `CASE
  WHEN attempts >= max_attempts THEN 'failed'
  WHEN locked_at IS NOT NULL THEN 'running'
  WHEN run_at > now() THEN CASE WHEN attempts > 0 THEN 'retrying' ELSE 'scheduled' END
  WHEN attempts > 0 THEN 'retrying'
  ELSE 'waiting' END`;

export interface QueueOverview {
  byPriority: Record<Priority, Record<QueueState, number>>;
  byTask: { task: string; counts: Record<QueueState, number> }[];
  totals: Record<QueueState, number>;
  oldestWaitingSeconds: number | null;
  workers: WorkerSummary[];
  /** Paused queues and datasets, and the maintenance switch (flag `all`). */
  pauses: Pause[];
  checkedAt: string;
}

export interface WorkerSummary {
  id: string;
  host: string;
  pid: number;
  concurrency: number;
  version: string;
  startedAt: string;
  lastHeartbeatAt: string;
  state: "alive" | "dead" | "stopped";
  stopReason: string | null;
  jobsSucceeded: number;
  jobsFailed: number;
  running: { jobId: string | null; task: string; since: string }[];
}

const zero = (): Record<QueueState, number> => ({
  waiting: 0,
  scheduled: 0,
  running: 0,
  retrying: 0,
  failed: 0,
});

export async function queueOverview(): Promise<QueueOverview> {
  const db = pool();
  const [counts, oldest, workers, running, pauses] = await Promise.all([
    db.query<{ task: string; priority: number; state: QueueState; n: number }>(
      `SELECT task_identifier AS task, priority, ${STATE_SQL} AS state, count(*)::int AS n
       FROM graphile_worker.jobs GROUP BY 1, 2, 3`,
    ),
    db.query<{ seconds: number | null }>(
      `SELECT EXTRACT(EPOCH FROM now() - min(run_at))::float8 AS seconds FROM graphile_worker.jobs
       WHERE locked_at IS NULL AND run_at <= now() AND attempts < max_attempts`,
    ),
    db.query(
      `SELECT * FROM app.worker_processes
       WHERE stopped_at IS NULL OR stopped_at > now() - interval '1 day'
       ORDER BY stopped_at IS NOT NULL, started_at DESC LIMIT 200`,
    ),
    db.query<{
      locked_by: string;
      task: string;
      locked_at: Date;
      key: string | null;
      flags: Record<string, boolean> | null;
    }>(
      "SELECT locked_by, task_identifier AS task, locked_at, key, flags FROM graphile_worker.jobs WHERE locked_at IS NOT NULL",
    ),
    listPauses(db),
  ]);
  const byPriority = Object.fromEntries(PRIORITIES.map((p) => [p, zero()])) as Record<
    Priority,
    Record<QueueState, number>
  >;
  const tasks = new Map<string, Record<QueueState, number>>();
  const totals = zero();
  for (const r of counts.rows) {
    byPriority[priorityFromGraphile(r.priority)][r.state] += r.n;
    if (!tasks.has(r.task)) tasks.set(r.task, zero());
    tasks.get(r.task)![r.state] += r.n;
    totals[r.state] += r.n;
  }
  const deadAfter = env().WORKER_DEAD_AFTER_SECONDS * 1000;
  return {
    byPriority,
    byTask: [...tasks.entries()]
      .map(([task, c]) => ({ task, counts: c }))
      .sort((a, b) => a.task.localeCompare(b.task)),
    totals,
    oldestWaitingSeconds: oldest.rows[0]?.seconds ?? null,
    workers: workers.rows.map((w) => {
      const ids = new Set<string>(w.graphile_worker_ids ?? []);
      const stale = Date.now() - new Date(w.last_heartbeat_at).getTime() > deadAfter;
      return {
        id: w.id,
        host: w.host,
        pid: w.pid,
        concurrency: w.concurrency,
        version: w.version,
        startedAt: new Date(w.started_at).toISOString(),
        lastHeartbeatAt: new Date(w.last_heartbeat_at).toISOString(),
        state: w.stopped_at
          ? w.stop_reason === "heartbeat-lost"
            ? "dead"
            : "stopped"
          : stale
            ? "dead"
            : "alive",
        stopReason: w.stop_reason,
        jobsSucceeded: w.jobs_succeeded,
        jobsFailed: w.jobs_failed,
        running: running.rows
          .filter((r) => ids.has(r.locked_by))
          .map((r) => ({
            jobId:
              Object.keys(r.flags ?? {})
                .find((f) => f.startsWith("job:"))
                ?.slice(4) ??
              r.key?.match(/^job:([0-9a-f-]{36})/)?.[1] ??
              null,
            task: r.task,
            since: r.locked_at.toISOString(),
          })),
      };
    }),
    pauses,
    checkedAt: new Date().toISOString(),
  };
}

let latest: { at: number; value: Promise<QueueOverview> } | undefined;

/**
 * The overview for live streams: one query at a time for every subscriber of this app process,
 * reused while under `maxAgeMs` old, so ten open consoles cost the database what one does.
 */
export function sharedOverview(maxAgeMs = 500): Promise<QueueOverview> {
  if (latest && Date.now() - latest.at < maxAgeMs) return latest.value;
  const value = queueOverview();
  latest = { at: Date.now(), value };
  value.catch(() => {
    if (latest?.value === value) latest = undefined;
  });
  return value;
}
