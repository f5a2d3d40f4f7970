import { timingSafeEqual } from "node:crypto";
import { Counter, Gauge, Registry } from "prom-client";
import { pool } from "@/db/pool";
import { env } from "@/env";
import { QUEUE_STATES } from "@/queue/overview";
import { PRIORITIES } from "@/queue/priorities";
import { countLiveWorkers } from "@/queue/worker-registry";
import { currentDepth } from "./samples";
import { DURATION_BUCKETS } from "./totals";

/** True when the request carries the configured scrape token (compared in constant time). */
export function hasScrapeToken(headers: Headers): boolean {
  const token = env().METRICS_SCRAPE_TOKEN;
  const sent = headers
    .get("authorization")
    ?.match(/^Bearer\s+(.+)$/i)?.[1]
    ?.trim();
  if (!token || !sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function snapshot() {
  const db = pool();
  const [depth, workers, finished, durations, rows, quality, alerts] = await Promise.all([
    currentDepth(db),
    countLiveWorkers(db),
    db.query<{ task: string; status: string; n: string }>(
      "SELECT task, status, jobs AS n FROM app.metric_job_totals ORDER BY task, status",
    ),
    db.query<{ task: string; buckets: string[]; sum: number; n: string }>(
      `WITH t AS (SELECT * FROM app.metric_job_totals WHERE status IN ('succeeded', 'failed') AND duration_count > 0),
            b AS (SELECT task, i, sum(v) AS v FROM t, unnest(duration_buckets) WITH ORDINALITY AS u(v, i) GROUP BY task, i),
            s AS (SELECT task, sum(duration_sum)::float8 AS sum, sum(duration_count)::bigint AS n FROM t GROUP BY task)
       SELECT s.task, ARRAY(SELECT b.v::text FROM b WHERE b.task = s.task ORDER BY b.i) AS buckets, s.sum, s.n
       FROM s ORDER BY s.task`,
    ),
    db.query<{ dataset: string; valid: string; rejected: string }>(
      `SELECT d.name AS dataset, COALESCE(sum(b.valid), 0)::bigint AS valid, COALESCE(sum(b.rejected), 0)::bigint AS rejected
       FROM app.datasets d LEFT JOIN app.batches b ON b.dataset_id = d.id AND b.staged_at IS NOT NULL GROUP BY d.name`,
    ),
    db.query<{ dataset: string; overall: number; min_score: number; passed: boolean }>(
      `SELECT DISTINCT ON (q.dataset_id) d.name AS dataset, q.overall, q.min_score, q.passed
       FROM app.quality_reports q JOIN app.datasets d ON d.id = q.dataset_id ORDER BY q.dataset_id, q.computed_at DESC`,
    ),
    db.query<{ n: number }>("SELECT count(*)::int AS n FROM app.alerts WHERE resolved_at IS NULL"),
  ]);
  return { depth, workers, finished, durations, rows, quality, openAlerts: alerts.rows[0]!.n };
}

/**
 * The Prometheus exposition: a fresh registry per scrape, every value read from the database at
 * scrape time, so any number of web processes answer the same (no per-process counters).
 */
export async function prometheusMetrics(): Promise<{ contentType: string; body: string }> {
  const s = await snapshot();
  const registry = new Registry();
  new Gauge({
    name: "sluice_queue_depth",
    help: "Jobs in the queue by priority and state (waiting, scheduled, running, retrying, failed for good).",
    labelNames: ["priority", "state"],
    registers: [registry],
    collect() {
      for (const p of PRIORITIES)
        for (const st of QUEUE_STATES) this.set({ priority: p, state: st }, s.depth.depth[p][st] ?? 0);
    },
  });
  new Gauge({
    name: "sluice_queue_oldest_waiting_seconds",
    help: "Age of the oldest job waiting to start (0 when none waits).",
    registers: [registry],
    collect() {
      this.set(s.depth.oldestWaitingS ?? 0);
    },
  });
  new Counter({
    name: "sluice_jobs_finished_total",
    help: "Sluice jobs finished, by task and outcome (succeeded, failed, cancelled); counted a minute or two after they finish.",
    labelNames: ["task", "status"],
    registers: [registry],
    collect() {
      for (const r of s.finished.rows) this.inc({ task: r.task, status: r.status }, Number(r.n));
    },
  });
  registry.registerMetric({
    name: "sluice_job_duration_seconds",
    help: "Run time of finished Sluice jobs (started to finished), by task.",
    type: "histogram",
    aggregator: "sum",
    get: async () => ({
      name: "sluice_job_duration_seconds",
      help: "Run time of finished Sluice jobs (started to finished), by task.",
      type: "histogram",
      aggregator: "sum",
      values: s.durations.rows.flatMap((r) => [
        ...DURATION_BUCKETS.map((le, i) => ({
          metricName: "sluice_job_duration_seconds_bucket",
          labels: { task: r.task, le },
          value: Number(r.buckets[i]),
        })),
        {
          metricName: "sluice_job_duration_seconds_bucket",
          labels: { task: r.task, le: "+Inf" },
          value: Number(r.n),
        },
        { metricName: "sluice_job_duration_seconds_sum", labels: { task: r.task }, value: r.sum },
        { metricName: "sluice_job_duration_seconds_count", labels: { task: r.task }, value: Number(r.n) },
      ]),
    }),
    reset() {},
  } as unknown as Gauge);
  new Counter({
    name: "sluice_rows_ingested_total",
    help: "Rows staged by loads, by dataset.",
    labelNames: ["dataset"],
    registers: [registry],
    collect() {
      for (const r of s.rows.rows) this.inc({ dataset: r.dataset }, Number(r.valid));
    },
  });
  new Counter({
    name: "sluice_rows_rejected_total",
    help: "Rows rejected by loads (rule violations, duplicates), by dataset.",
    labelNames: ["dataset"],
    registers: [registry],
    collect() {
      for (const r of s.rows.rows) this.inc({ dataset: r.dataset }, Number(r.rejected));
    },
  });
  new Gauge({
    name: "sluice_quality_score",
    help: "Overall score (0-1) of each dataset's latest quality report.",
    labelNames: ["dataset"],
    registers: [registry],
    collect() {
      for (const r of s.quality.rows) this.set({ dataset: r.dataset }, r.overall);
    },
  });
  new Gauge({
    name: "sluice_quality_min_score",
    help: "The dataset's quality threshold (0-1) its latest report was judged against.",
    labelNames: ["dataset"],
    registers: [registry],
    collect() {
      for (const r of s.quality.rows) this.set({ dataset: r.dataset }, r.min_score);
    },
  });
  new Gauge({
    name: "sluice_workers_alive",
    help: "Worker processes heartbeating now.",
    registers: [registry],
    collect() {
      this.set(s.workers);
    },
  });
  new Gauge({
    name: "sluice_alerts_open",
    help: "Alerts firing and not yet resolved.",
    registers: [registry],
    collect() {
      this.set(s.openAlerts);
    },
  });
  return { contentType: registry.contentType, body: await registry.metrics() };
}
