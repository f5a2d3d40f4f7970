import { z } from "zod";
import { pool } from "@/db/pool";
import { PRIORITIES, type Priority } from "@/queue/priorities";
import { backlog, type Depth } from "./samples";

export const metricRangeSchema = z.enum(["hour", "day", "week"]);
export type MetricRange = z.infer<typeof metricRangeSchema>;

/** Which samples each chart range reads, and how wide one point is. */
const RANGES: Record<MetricRange, { resolution: "minute" | "hour"; spanMs: number; binMs: number }> = {
  hour: { resolution: "minute", spanMs: 3_600_000, binMs: 60_000 },
  day: { resolution: "minute", spanMs: 86_400_000, binMs: 600_000 },
  week: { resolution: "hour", spanMs: 7 * 86_400_000, binMs: 3_600_000 },
};

export interface MetricPoint {
  at: string;
  /** Null where no sample was taken (no worker ran the sampler): a gap, not a zero. */
  depth: Record<Priority, number | null>;
  completed: number | null;
  failed: number | null;
  /** failed / (completed + failed), in percent; null when nothing finished. */
  failureRate: number | null;
  waitP50Ms: number | null;
  waitP95Ms: number | null;
  runP50Ms: number | null;
  runP95Ms: number | null;
  rowsLoaded: number | null;
  workersAlive: number | null;
}

const emptyPoint = (key: number): MetricPoint => ({
  at: new Date(key).toISOString(),
  depth: Object.fromEntries(PRIORITIES.map((p) => [p, null])) as Record<Priority, null>,
  completed: null,
  failed: null,
  failureRate: null,
  waitP50Ms: null,
  waitP95Ms: null,
  runP50Ms: null,
  runP95Ms: null,
  rowsLoaded: null,
  workersAlive: null,
});

interface Row {
  at: Date;
  depth: Depth;
  completed: number;
  failed: number;
  wait_p50_ms: number | null;
  wait_p95_ms: number | null;
  run_p50_ms: number | null;
  run_p95_ms: number | null;
  rows_loaded: string;
  workers_alive: number;
}

/**
 * The chart series for a range. Samples are binned to the range's point width: counts add up,
 * depth and workers are averaged, p50 is averaged weighted by jobs finished, and p95 takes the
 * worst bin member (an upper bound; exact percentiles would need every job's times).
 */
export async function metricSeries(
  range: MetricRange,
  now = new Date(),
): Promise<{
  range: MetricRange;
  binSeconds: number;
  points: MetricPoint[];
}> {
  const r = RANGES[range];
  const since = new Date(Math.floor((now.getTime() - r.spanMs) / r.binMs) * r.binMs);
  const { rows } = await pool().query<Row>(
    `SELECT at, depth, completed, failed, wait_p50_ms, wait_p95_ms, run_p50_ms, run_p95_ms, rows_loaded, workers_alive
     FROM app.metric_samples WHERE resolution = $1 AND at >= $2 ORDER BY at`,
    [r.resolution, since],
  );
  const bins = new Map<number, Row[]>();
  for (const row of rows) {
    const key = Math.floor(row.at.getTime() / r.binMs) * r.binMs;
    if (!bins.has(key)) bins.set(key, []);
    bins.get(key)!.push(row);
  }
  const toPoint = (key: number, members: Row[]): MetricPoint => {
    const sum = (f: (m: Row) => number) => members.reduce((s, m) => s + f(m), 0);
    const completed = sum((m) => m.completed);
    const failed = sum((m) => m.failed);
    const finished = completed + failed;
    const weighted = (f: (m: Row) => number | null) => {
      const withValue = members.filter((m) => f(m) !== null && m.completed + m.failed > 0);
      const w = withValue.reduce((s, m) => s + m.completed + m.failed, 0);
      return w === 0 ? null : withValue.reduce((s, m) => s + f(m)! * (m.completed + m.failed), 0) / w;
    };
    const worst = (f: (m: Row) => number | null) => {
      const values = members.map(f).filter((v): v is number => v !== null);
      return values.length ? Math.max(...values) : null;
    };
    return {
      at: new Date(key).toISOString(),
      depth: Object.fromEntries(
        PRIORITIES.map((p) => [p, Math.round((sum((m) => backlog(m.depth[p])) / members.length) * 10) / 10]),
      ) as Record<Priority, number>,
      completed,
      failed,
      failureRate: finished === 0 ? null : (failed / finished) * 100,
      waitP50Ms: weighted((m) => m.wait_p50_ms),
      waitP95Ms: worst((m) => m.wait_p95_ms),
      runP50Ms: weighted((m) => m.run_p50_ms),
      runP95Ms: worst((m) => m.run_p95_ms),
      rowsLoaded: sum((m) => Number(m.rows_loaded)),
      workersAlive: Math.round(sum((m) => m.workers_alive) / members.length),
    };
  };
  // Every bin of the range, so the time axis is whole; bins without a sample are gaps (nulls).
  const points: MetricPoint[] = [];
  for (let key = since.getTime(); key <= now.getTime(); key += r.binMs) {
    const members = bins.get(key);
    points.push(members ? toPoint(key, members) : emptyPoint(key));
  }
  return { range, binSeconds: r.binMs / 1000, points };
}
