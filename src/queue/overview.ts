import { pool } from "@/db/pool";
import { env } from "@/env";
import { reusedFor } from "@/server/reuse";
import { QUEUE_STATES, type QueueState, queueDepth } from "./depth";
import { listPauses, type Pause } from "./pauses";
import { PRIORITIES, type Priority, priorityFromGraphile } from "./priorities";

export { QUEUE_STATES, type QueueState };

/**
 * The queue as an operator sees it, read from Graphile Worker's tables: depth by priority, task
 * and state (src/queue/depth.ts: exact, or for a huge backlog its waiting and scheduled jobs
 * estimated and flagged in `estimated`), the oldest waiting job's age, and the worker fleet from
 * Sluice's own heartbeat table.
 *
 * States: waiting (due, not locked), scheduled (due later), running (locked), retrying (failed at
 * least once, will run again), failed (out of attempts: failed for good).
 */
export interface QueueOverview {
  byPriority: Record<Priority, Record<QueueState, number>>;
  byTask: { task: string; counts: Record<QueueState, number> }[];
  totals: Record<QueueState, number>;
  /**
   * Set when some counts are estimates: the waiting and scheduled counts of these priorities and
   * tasks (and so the totals) come from a sample of `sampledPercent` % of the queue's pages.
   * Running, retrying and failed are always exact.
   */
  estimated: { priorities: Priority[]; tasks: string[]; sampledPercent: number } | null;
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
  const [depth, workers, running, pauses] = await Promise.all([
    queueDepth(db),
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
      // Locked jobs are in the small partial index of jobs not available (src/queue/depth.ts).
      `SELECT j.locked_by, t.identifier AS task, j.locked_at, j.key, j.flags
       FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
       WHERE j.is_available = false AND j.locked_at IS NOT NULL`,
    ),
    listPauses(db),
  ]);
  const byPriority = Object.fromEntries(PRIORITIES.map((p) => [p, zero()])) as Record<
    Priority,
    Record<QueueState, number>
  >;
  const tasks = new Map<string, Record<QueueState, number>>();
  const totals = zero();
  const estPriorities = new Set<Priority>();
  const estTasks = new Set<string>();
  for (const r of depth.rows) {
    const priority = priorityFromGraphile(r.priority);
    byPriority[priority][r.state] += r.n;
    if (!tasks.has(r.task)) tasks.set(r.task, zero());
    tasks.get(r.task)![r.state] += r.n;
    totals[r.state] += r.n;
    if (r.estimated) {
      estPriorities.add(priority);
      estTasks.add(r.task);
    }
  }
  const deadAfter = env().WORKER_DEAD_AFTER_SECONDS * 1000;
  return {
    byPriority,
    byTask: [...tasks.entries()]
      .map(([task, c]) => ({ task, counts: c }))
      .sort((a, b) => a.task.localeCompare(b.task)),
    totals,
    estimated:
      depth.sampledPercent === null
        ? null
        : {
            priorities: PRIORITIES.filter((p) => estPriorities.has(p)),
            tasks: [...estTasks].sort(),
            sampledPercent: depth.sampledPercent,
          },
    oldestWaitingSeconds: depth.oldestWaitingSeconds,
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

const reuse = reusedFor<QueueOverview>();

/**
 * The overview for live streams: one query at a time for every subscriber of this app process,
 * reused while under `maxAgeMs` old, so ten open consoles cost the database what one does.
 */
export function sharedOverview(maxAgeMs = 500): Promise<QueueOverview> {
  return reuse(null, maxAgeMs, queueOverview);
}
