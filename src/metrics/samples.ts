import type pg from "pg";
import { withTransaction } from "@/db/transaction";
import { queueDepth } from "@/queue/depth";
import { PRIORITIES, type Priority, priorityFromGraphile } from "@/queue/priorities";
import { countLiveWorkers } from "@/queue/worker-registry";
import { advanceJobTotals } from "./totals";

type Queryable = Pick<pg.ClientBase, "query">;

/** Housekeeping tasks left out of queue depth, so the sampler does not count itself. */
export const HOUSEKEEPING_TASKS = ["metrics_sample", "metrics_rollup", "alerts_evaluate", "webhook_deliver"];
/** Graphile priority of housekeeping jobs: before every Sluice queue, emergency included. */
export const HOUSEKEEPING_PRIORITY = -1000;

/** Minute samples are kept this long (the day chart reads them); hour roll-ups much longer. */
export const MINUTE_RETENTION_DAYS = 3;
export const HOUR_RETENTION_DAYS = 90;

export type Depth = Record<Priority, Record<string, number>>;

/**
 * Queue depth now, by priority and state (housekeeping left out), counted as the overview counts
 * it (src/queue/depth.ts): exact, except the waiting and scheduled jobs of a priority with a huge
 * backlog, which are estimated (`estimated`).
 */
export async function currentDepth(
  client: Queryable,
): Promise<{ depth: Depth; oldestWaitingS: number | null; estimated: boolean }> {
  const q = await queueDepth(client, { excludeTasks: HOUSEKEEPING_TASKS });
  const depth = Object.fromEntries(PRIORITIES.map((p) => [p, {}])) as Depth;
  for (const r of q.rows) {
    const p = depth[priorityFromGraphile(r.priority)];
    p[r.state] = (p[r.state] ?? 0) + r.n;
  }
  return { depth, oldestWaitingS: q.oldestWaitingSeconds, estimated: q.sampledPercent !== null };
}

/** Jobs not yet finished (everything but "failed for good"): the backlog a priority carries. */
export function backlog(states: Record<string, number> | undefined): number {
  if (!states) return 0;
  return Object.entries(states).reduce((sum, [s, n]) => (s === "failed" ? sum : sum + n), 0);
}

export interface WindowStats {
  completed: number;
  failed: number;
  waitP50Ms: number | null;
  waitP95Ms: number | null;
  runP50Ms: number | null;
  runP95Ms: number | null;
  rowsLoaded: number;
}

/**
 * What finished in [from, to): Sluice jobs succeeded and failed for good, how long they waited
 * (queued → started) and ran (started → finished), p50 and p95, and the rows batches staged.
 * Both reads use partial indexes on the finish time, so a minute costs what happened in it.
 */
export async function windowStats(client: Queryable, from: Date, to: Date): Promise<WindowStats> {
  const [jobs, rows] = await Promise.all([
    client.query<{
      completed: number;
      failed: number;
      wait_p50: number | null;
      wait_p95: number | null;
      run_p50: number | null;
      run_p95: number | null;
    }>(
      `WITH f AS (
         SELECT status,
                EXTRACT(EPOCH FROM started_at - created_at) * 1000 AS wait_ms,
                EXTRACT(EPOCH FROM finished_at - started_at) * 1000 AS run_ms
         FROM app.jobs
         WHERE finished_at >= $1 AND finished_at < $2 AND status IN ('succeeded', 'failed'))
       SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS completed,
              count(*) FILTER (WHERE status = 'failed')::int AS failed,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY wait_ms)::float8 AS wait_p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY wait_ms)::float8 AS wait_p95,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY run_ms)::float8 AS run_p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY run_ms)::float8 AS run_p95
       FROM f`,
      [from, to],
    ),
    client.query<{ n: string }>(
      `SELECT COALESCE(sum(valid), 0)::bigint AS n FROM app.batches WHERE staged_at >= $1 AND staged_at < $2`,
      [from, to],
    ),
  ]);
  const j = jobs.rows[0]!;
  return {
    completed: j.completed,
    failed: j.failed,
    waitP50Ms: j.wait_p50,
    waitP95Ms: j.wait_p95,
    runP50Ms: j.run_p50,
    runP95Ms: j.run_p95,
    rowsLoaded: Number(rows.rows[0]!.n),
  };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const floorTo = (d: Date, ms: number) => new Date(Math.floor(d.getTime() / ms) * ms);

const UPSERT = `INSERT INTO app.metric_samples (resolution, at, depth, completed, failed, wait_p50_ms, wait_p95_ms,
    run_p50_ms, run_p95_ms, rows_loaded, workers_alive, oldest_waiting_s)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
  ON CONFLICT (resolution, at) DO UPDATE SET depth = EXCLUDED.depth, completed = EXCLUDED.completed,
    failed = EXCLUDED.failed, wait_p50_ms = EXCLUDED.wait_p50_ms, wait_p95_ms = EXCLUDED.wait_p95_ms,
    run_p50_ms = EXCLUDED.run_p50_ms, run_p95_ms = EXCLUDED.run_p95_ms, rows_loaded = EXCLUDED.rows_loaded,
    workers_alive = EXCLUDED.workers_alive, oldest_waiting_s = EXCLUDED.oldest_waiting_s`;

/** Writes (or rewrites) one sample row. */
function writeSample(
  client: Queryable,
  resolution: "minute" | "hour",
  at: Date,
  sample: { depth: Depth; stats: WindowStats; workersAlive: number; oldestWaitingS: number | null },
) {
  const { stats } = sample;
  return client.query(UPSERT, [
    resolution,
    at,
    JSON.stringify(sample.depth),
    stats.completed,
    stats.failed,
    stats.waitP50Ms,
    stats.waitP95Ms,
    stats.runP50Ms,
    stats.runP95Ms,
    stats.rowsLoaded,
    sample.workersAlive,
    sample.oldestWaitingS,
  ]);
}

/**
 * Records the minute that just ended (`now` rounded down, minus one minute): what finished in it,
 * and the queue's depth and live workers as seen now. Idempotent: a rerun overwrites the row.
 */
export async function sampleMetrics(client: Queryable, now = new Date()): Promise<{ at: Date }> {
  const to = floorTo(now, MINUTE);
  const from = new Date(to.getTime() - MINUTE);
  const [stats, { depth, oldestWaitingS }, workers] = await Promise.all([
    windowStats(client, from, to),
    currentDepth(client),
    countLiveWorkers(client),
  ]);
  await writeSample(client, "minute", from, { depth, stats, workersAlive: workers, oldestWaitingS });
  return { at: from };
}

/**
 * Rolls minutes up into hours: the current and the previous hour (so a late minute still counts),
 * with throughput and percentiles computed exactly from the jobs of the hour, and depth, workers
 * and oldest wait averaged / maxed over its minute samples. Then applies retention.
 */
export async function rollUpMetrics(
  client: Queryable,
  now = new Date(),
): Promise<{ hours: Date[]; deleted: number }> {
  const current = floorTo(now, HOUR);
  const hours = [new Date(current.getTime() - HOUR), current];
  for (const from of hours) {
    const to = new Date(from.getTime() + HOUR);
    const [stats, minutes] = await Promise.all([
      windowStats(client, from, to),
      client.query<{ depth: Depth; workers_alive: number; oldest_waiting_s: number | null }>(
        `SELECT depth, workers_alive, oldest_waiting_s FROM app.metric_samples
         WHERE resolution = 'minute' AND at >= $1 AND at < $2`,
        [from, to],
      ),
    ]);
    if (minutes.rows.length === 0 && stats.completed + stats.failed === 0) continue;
    const depth = Object.fromEntries(PRIORITIES.map((p) => [p, {}])) as Depth;
    for (const m of minutes.rows) {
      for (const p of PRIORITIES) {
        for (const [state, n] of Object.entries(m.depth[p] ?? {}))
          depth[p][state] = (depth[p][state] ?? 0) + n;
      }
    }
    const n = Math.max(1, minutes.rows.length);
    for (const p of PRIORITIES) {
      for (const state of Object.keys(depth[p]))
        depth[p][state] = Math.round((depth[p][state]! / n) * 10) / 10;
    }
    await writeSample(client, "hour", from, {
      depth,
      stats,
      workersAlive: Math.max(0, ...minutes.rows.map((m) => m.workers_alive)),
      oldestWaitingS: minutes.rows.reduce<number | null>(
        (max, m) => (m.oldest_waiting_s === null ? max : Math.max(max ?? 0, m.oldest_waiting_s)),
        null,
      ),
    });
  }
  const deleted = await client.query(
    `DELETE FROM app.metric_samples
     WHERE (resolution = 'minute' AND at < $1::timestamptz - make_interval(days => $2))
        OR (resolution = 'hour' AND at < $1::timestamptz - make_interval(days => $3))`,
    [now, MINUTE_RETENTION_DAYS, HOUR_RETENTION_DAYS],
  );
  return { hours, deleted: deleted.rowCount ?? 0 };
}

/** The `metrics_sample` task: the minute's sample, then the Prometheus totals advanced. */
export async function recordMinute(pool: pg.Pool, now = new Date()): Promise<void> {
  await sampleMetrics(pool, now);
  await withTransaction(pool, (c) => advanceJobTotals(c, now));
}
