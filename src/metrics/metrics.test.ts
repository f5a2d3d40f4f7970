import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { pool } from "@/db/pool";
import * as metricsRoute from "../../app/api/metrics/route";
import { makeApiKey, setUpTestDatabase } from "../../test/database";
import { nextRoute } from "../../test/next-route";
import { HOUSEKEEPING_CRON, scheduleCron } from "../../workers/crontab";
import { prometheusMetrics } from "./prometheus";
import { recordMinute, rollUpMetrics, sampleMetrics } from "./samples";
import { metricSeries } from "./series";
import { healthSummary } from "./summary";

setUpTestDatabase();

const T0 = new Date("2026-11-27T10:05:00Z");
const at = (offsetSec: number) => new Date(T0.getTime() + offsetSec * 1000);

/** A finished Sluice job: queued, started after `waitMs`, finished after `runMs`. */
async function finishedJob(opts: {
  status: "succeeded" | "failed";
  finishedAt: Date;
  waitMs: number;
  runMs: number;
  type?: string;
}) {
  const finished = opts.finishedAt.getTime();
  await pool().query(
    `INSERT INTO app.jobs (id, type, status, created_at, started_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      randomUUID(),
      opts.type ?? "ping",
      opts.status,
      new Date(finished - opts.runMs - opts.waitMs),
      new Date(finished - opts.runMs),
      opts.finishedAt,
    ],
  );
}

async function addGraphileJob(priority: number, runAt?: Date) {
  await pool().query("SELECT graphile_worker.add_job('ping', '{}'::json, priority => $1, run_at => $2)", [
    priority,
    runAt ?? null,
  ]);
}

async function sampleRow(resolution: string, when: Date) {
  const { rows } = await pool().query("SELECT * FROM app.metric_samples WHERE resolution = $1 AND at = $2", [
    resolution,
    when,
  ]);
  return rows[0];
}

describe("sampling", () => {
  beforeAll(async () => {
    // The minute 10:04:00–10:05:00: three succeeded, one failed. One more just outside on each side.
    await finishedJob({ status: "succeeded", finishedAt: at(-50), waitMs: 100, runMs: 1000 });
    await finishedJob({ status: "succeeded", finishedAt: at(-40), waitMs: 200, runMs: 2000 });
    await finishedJob({ status: "succeeded", finishedAt: at(-30), waitMs: 300, runMs: 3000 });
    await finishedJob({ status: "failed", finishedAt: at(-20), waitMs: 400, runMs: 4000 });
    await finishedJob({ status: "succeeded", finishedAt: at(-61), waitMs: 9000, runMs: 9000 });
    await finishedJob({ status: "succeeded", finishedAt: at(0), waitMs: 9000, runMs: 9000 });
    // Queue now: 2 waiting at high, 1 waiting at standard, 1 scheduled for later at background.
    await addGraphileJob(-10);
    await addGraphileJob(-10);
    await addGraphileJob(0);
    await addGraphileJob(10, new Date(Date.now() + 3_600_000));
  });

  it("records the minute that just ended: throughput, wait and run percentiles, depth by priority and state", async () => {
    const { at: sampled } = await sampleMetrics(pool(), at(7));
    expect(sampled).toEqual(at(-60));
    const row = await sampleRow("minute", at(-60));
    expect(row).toMatchObject({ completed: 3, failed: 1, workers_alive: 0 });
    // percentile_cont over 100/200/300/400 ms and 1/2/3/4 s.
    expect(row.wait_p50_ms).toBeCloseTo(250, 5);
    expect(row.wait_p95_ms).toBeCloseTo(385, 5);
    expect(row.run_p50_ms).toBeCloseTo(2500, 5);
    expect(row.run_p95_ms).toBeCloseTo(3850, 5);
    expect(row.depth).toEqual({
      emergency: {},
      high: { waiting: 2 },
      standard: { waiting: 1 },
      background: { scheduled: 1 },
    });
  });

  it("is idempotent: sampling the same minute again overwrites its row", async () => {
    await sampleMetrics(pool(), at(30));
    const { rows } = await pool().query(
      "SELECT count(*)::int AS n FROM app.metric_samples WHERE resolution = 'minute'",
    );
    expect(rows[0].n).toBe(1);
  });

  it("rolls minutes up into the hour: exact throughput from the jobs, depth averaged over the minutes", async () => {
    // A second minute sample with a deeper queue.
    await addGraphileJob(-10);
    await addGraphileJob(-10);
    await sampleMetrics(pool(), at(67));
    await rollUpMetrics(pool(), at(120));
    const hour = await sampleRow("hour", new Date("2026-11-27T10:00:00Z"));
    // Everything finished between 10:00 and 11:00 counts, not only the sampled minutes.
    expect(hour).toMatchObject({ completed: 5, failed: 1 });
    expect(hour.depth.high).toEqual({ waiting: 3 }); // (2 + 4) / 2
    expect(hour.depth.standard).toEqual({ waiting: 1 });
  });

  it("drops minute samples past retention and keeps recent ones", async () => {
    await pool().query(
      "INSERT INTO app.metric_samples (resolution, at) VALUES ('minute', $1), ('hour', $1), ('hour', $2)",
      [new Date("2026-11-01T00:00:00Z"), new Date("2026-01-01T00:00:00Z")],
    );
    const { deleted } = await rollUpMetrics(pool(), at(120));
    expect(deleted).toBe(2); // the old minute and the hour from January; the 1 Nov hour is within 90 days
    expect(await sampleRow("hour", new Date("2026-11-01T00:00:00Z"))).toBeDefined();
    expect(await sampleRow("minute", at(-60))).toBeDefined();
  });

  it("serves chart series for the last hour with depth by priority and failure rate", async () => {
    const series = await metricSeries("hour", at(120));
    // One point a minute over the whole hour; minutes without a sample are gaps.
    expect(series.points).toHaveLength(61);
    const byAt = new Map(series.points.map((p) => [p.at, p]));
    expect(byAt.get(at(-60).toISOString())).toMatchObject({ completed: 3, failed: 1, failureRate: 25 });
    expect(byAt.get(at(0).toISOString())!.depth).toMatchObject({ high: 4, standard: 1, background: 1 });
    expect(byAt.get(at(-120).toISOString())).toMatchObject({ completed: null, failureRate: null });
  });
});

describe("the housekeeping crontab", () => {
  it("samples and evaluates every minute, rolls up every 5, ahead of every queue", () => {
    expect(scheduleCron({ housekeeping: true }).map((c) => c.task)).toEqual([
      "schedule_tick",
      "metrics_sample",
      "metrics_rollup",
      "alerts_evaluate",
    ]);
    expect(HOUSEKEEPING_CRON.map((c) => c.match)).toEqual(["* * * * *", "*/5 * * * *", "* * * * *"]);
    for (const c of HOUSEKEEPING_CRON) expect(c.options?.priority).toBeLessThan(-100);
  });
});

describe("the health summary", () => {
  it("counts what is waiting now, and no backup yet", async () => {
    const s = await healthSummary();
    expect(s.currentDepth).toBe(6);
    expect(s.lastBackup).toEqual({ at: null });
    expect(s.openAlerts).toBe(0);
  });
});

describe("Prometheus", () => {
  const metricsViaNext = nextRoute(metricsRoute, "/api/metrics");
  const get = (headers: Record<string, string> = {}) =>
    new Request("http://localhost:3000/api/metrics", { headers });
  const noParams = { params: Promise.resolve({}) };

  beforeAll(() => {
    vi.stubEnv("NEXTAUTH_SECRET", "a-test-secret-that-is-at-least-32-characters-long");
    vi.stubEnv("NEXTAUTH_URL", "http://localhost:3000");
  });
  afterAll(() => vi.unstubAllEnvs());

  /** Parses the text format into `name{labels} -> value`, checking every line is well-formed. */
  function parse(text: string): Map<string, number> {
    const values = new Map<string, number>();
    for (const line of text.split("\n")) {
      if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
      const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.e+-]+|NaN|\+Inf)$/);
      expect(m, `not a Prometheus sample line: ${line}`).not.toBeNull();
      values.set(`${m![1]}${m![2] ?? ""}`, Number(m![3]));
    }
    return values;
  }

  it("exposes depth, throughput, durations, rows, quality and workers with the right values", async () => {
    // The counters count jobs once they settled (a minute after finishing): all of them by now.
    await recordMinute(pool(), new Date(Date.now() + 120_000));
    const { contentType, body } = await prometheusMetrics();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parse(body);
    expect(m.get('sluice_queue_depth{priority="high",state="waiting"}')).toBe(4);
    expect(m.get('sluice_queue_depth{priority="background",state="scheduled"}')).toBe(1);
    expect(m.get('sluice_queue_depth{priority="emergency",state="running"}')).toBe(0);
    expect(m.get('sluice_jobs_finished_total{task="ping",status="succeeded"}')).toBe(5);
    expect(m.get('sluice_jobs_finished_total{task="ping",status="failed"}')).toBe(1);
    // Run times 1, 2, 3, 4, 9, 9 s.
    expect(m.get('sluice_job_duration_seconds_bucket{task="ping",le="1"}')).toBe(1);
    expect(m.get('sluice_job_duration_seconds_bucket{task="ping",le="5"}')).toBe(4);
    expect(m.get('sluice_job_duration_seconds_bucket{task="ping",le="15"}')).toBe(6);
    expect(m.get('sluice_job_duration_seconds_bucket{task="ping",le="+Inf"}')).toBe(6);
    expect(m.get('sluice_job_duration_seconds_sum{task="ping"}')).toBeCloseTo(28, 5);
    expect(m.get('sluice_job_duration_seconds_count{task="ping"}')).toBe(6);
    expect(m.get("sluice_workers_alive")).toBe(0);
    expect(m.get("sluice_alerts_open")).toBe(0);
    expect(body).toContain("# TYPE sluice_job_duration_seconds histogram");
    expect(body).toContain("# TYPE sluice_jobs_finished_total counter");
  });

  it("counts each finished job once however often the totals advance", async () => {
    await recordMinute(pool(), new Date(Date.now() + 180_000));
    await recordMinute(pool(), new Date(Date.now() + 180_000));
    const m = parse((await prometheusMetrics()).body);
    expect(m.get('sluice_jobs_finished_total{task="ping",status="succeeded"}')).toBe(5);
    // One more, finishing after the totals' watermark (the test runs the clock ahead).
    await finishedJob({
      status: "failed",
      finishedAt: new Date(Date.now() + 150_000),
      waitMs: 10,
      runMs: 20,
    });
    await recordMinute(pool(), new Date(Date.now() + 300_000));
    const after = parse((await prometheusMetrics()).body);
    expect(after.get('sluice_jobs_finished_total{task="ping",status="failed"}')).toBe(2);
    expect(after.get('sluice_job_duration_seconds_bucket{task="ping",le="0.1"}')).toBe(1);
    expect(after.get('sluice_job_duration_seconds_count{task="ping"}')).toBe(7);
  });

  it("reports rows ingested and the latest quality score per dataset", async () => {
    const dataset = randomUUID();
    const upload = randomUUID();
    const batch = randomUUID();
    const job = randomUUID();
    const db = pool();
    await db.query(
      "INSERT INTO app.datasets (id, name, title, definition) VALUES ($1, 'prom_ds', 'P', '{}')",
      [dataset],
    );
    await db.query("INSERT INTO app.jobs (id, type, status) VALUES ($1, 'ingest', 'succeeded')", [job]);
    await db.query(
      `INSERT INTO app.uploads (id, dataset_id, file_name, size_bytes, sha256, storage_key, created_by)
       VALUES ($1, $2, 'f.csv', 1, 'x', 'k', 'test')`,
      [upload, dataset],
    );
    await db.query(
      `INSERT INTO app.batches (id, dataset_id, dataset_version, upload_id, job_id, status, rows, valid, rejected, staged_at)
       VALUES ($1, $2, 1, $3, $4, 'staged', 120, 100, 20, now())`,
      [batch, dataset, upload, job],
    );
    await db.query(
      `INSERT INTO app.quality_reports (batch_id, dataset_id, overall, passed, min_score, scores, profiles, violations, duration_ms)
       VALUES ($1, $2, 0.83, false, 0.9, '{}', '{}', '{}', 5)`,
      [batch, dataset],
    );
    const m = parse((await prometheusMetrics()).body);
    expect(m.get('sluice_rows_ingested_total{dataset="prom_ds"}')).toBe(100);
    expect(m.get('sluice_rows_rejected_total{dataset="prom_ds"}')).toBe(20);
    expect(m.get('sluice_quality_score{dataset="prom_ds"}')).toBeCloseTo(0.83, 5);
    expect(m.get('sluice_quality_min_score{dataset="prom_ds"}')).toBeCloseTo(0.9, 5);
    expect((await healthSummary()).rowsLoadedToday).toBe(100);
  });

  it("GET /api/metrics: 401 without credentials, 403 for an analyst key, 200 for an operator key", async () => {
    expect((await metricsViaNext(get())).status).toBe(401);
    const analyst = await makeApiKey("analyst");
    const refused = await metricsRoute.GET(get({ authorization: `Bearer ${analyst.key}` }), noParams);
    expect(refused.status).toBe(403);
    const operator = await makeApiKey("operator");
    const ok = await metricsRoute.GET(get({ authorization: `Bearer ${operator.key}` }), noParams);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await ok.text()).toContain("sluice_queue_depth{");
  });

  it("GET /api/metrics: accepts the scrape token and refuses a wrong one", async () => {
    vi.stubEnv("METRICS_SCRAPE_TOKEN", "scrape-token-0123456789");
    const { env } = await import("@/env");
    env().METRICS_SCRAPE_TOKEN = "scrape-token-0123456789";
    try {
      const ok = await metricsRoute.GET(get({ authorization: "Bearer scrape-token-0123456789" }), noParams);
      expect(ok.status).toBe(200);
      const wrong = await metricsRoute.GET(
        get({ authorization: "Bearer scrape-token-0123456780" }),
        noParams,
      );
      expect(wrong.status).toBe(401);
    } finally {
      env().METRICS_SCRAPE_TOKEN = undefined;
    }
  });
});
