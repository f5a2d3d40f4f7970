/**
 * `npm run bench:metrics [-- --backlog 100000 --history 200000 --jobs 5000]`: what the console's
 * housekeeping costs. With `backlog` jobs waiting and `history` finished jobs, times one metrics
 * sample, one roll-up, one alert evaluation (a rule of each kind), one Prometheus scrape and the
 * health cards; then Graphile Worker's throughput on `jobs` no-op jobs without and with sampling
 * and evaluation running every second (60× their real rate), in the same run.
 *
 * Runs on its own embedded Postgres under .data/bench-metrics. The machine may be shared: figures
 * are rough; the ratio (same run, same machine) is the number to read.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { run } from "graphile-worker";
import { evaluateAlerts } from "@/alerts/evaluate";
import { createRule } from "@/alerts/rules";
import { SYSTEM } from "@/auth/actor";
import { startEmbeddedPostgres } from "@/db/embedded";
import { closePool, pool } from "@/db/pool";
import { closeDb } from "@/db/prisma";
import { prepareDatabase } from "@/db/setup";
import { connectTo } from "@/env";
import { prometheusMetrics } from "@/metrics/prometheus";
import { recordMinute, rollUpMetrics } from "@/metrics/samples";
import { healthSummary } from "@/metrics/summary";
import { graphileLogger } from "@/queue/graphile-logger";

const { values } = parseArgs({
  options: {
    backlog: { type: "string", default: "100000" },
    history: { type: "string", default: "200000" },
    jobs: { type: "string", default: "5000" },
  },
});
const backlog = Number(values.backlog);
const history = Number(values.history);
const jobs = Number(values.jobs);
const dir = path.resolve(import.meta.dirname, "../../.data/bench-metrics");
const log = (m: string) => console.log(`[bench] ${m}`);

async function timeIt(label: string, fn: () => Promise<unknown>, runs = 7) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const p50 = times[Math.floor(runs / 2)]!;
  log(
    `${label.padEnd(28)} p50 ${p50.toFixed(1).padStart(7)} ms   max ${times[runs - 1]!.toFixed(1).padStart(7)} ms`,
  );
  return p50;
}

/** Seconds Graphile Worker takes to run `n` no-op jobs with concurrency 4. */
async function drain(n: number): Promise<number> {
  const p = pool();
  await p.query(
    `SELECT graphile_worker.add_jobs(array_agg(json_populate_record(NULL::graphile_worker.job_spec,
       json_build_object('identifier', 'noop', 'payload', '{}'::json))))
     FROM generate_series(1, $1) g`,
    [n],
  );
  const start = performance.now();
  const runner = await run({
    pgPool: p,
    concurrency: 4,
    pollInterval: 1000,
    taskList: { noop: async () => undefined },
    parsedCronItems: [],
    noHandleSignals: true,
    logger: graphileLogger("warning"),
  });
  for (;;) {
    const { rows } = await p.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'noop'",
    );
    if (rows[0]!.n === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - start) / 1000;
  await runner.stop();
  return seconds;
}

async function main() {
  rmSync(dir, { recursive: true, force: true });
  const pg = await startEmbeddedPostgres(dir);
  connectTo(pg.url);
  await prepareDatabase(pg.url);
  const p = pool();
  try {
    log(`${backlog.toLocaleString()} waiting jobs, ${history.toLocaleString()} finished jobs over 24 h…`);
    // A task no bench worker knows: it stays waiting, as a real backlog would.
    // One bulk add_jobs call (add_job per row is slow in one statement).
    await p.query(
      `SELECT graphile_worker.add_jobs(array_agg(json_populate_record(NULL::graphile_worker.job_spec,
         json_build_object('identifier', 'backlog', 'payload', '{}'::json, 'priority', (ARRAY[-100, -10, 0, 10])[1 + g % 4]))))
       FROM generate_series(1, $1) g`,
      [backlog],
    );
    await p.query(
      `INSERT INTO app.jobs (id, type, status, created_at, started_at, finished_at)
       SELECT gen_random_uuid(), 'ping', CASE WHEN g % 20 = 0 THEN 'failed' ELSE 'succeeded' END::app."JobStatus",
              t - interval '2 seconds', t - interval '1 second', t
       FROM generate_series(1, $1::int) g, LATERAL (SELECT now() - (g % 86400) * interval '1 second' AS t) x`,
      [history],
    );
    await p.query("ANALYZE");
    for (const [kind, params] of [
      ["queue_depth", { threshold: 1000, forMinutes: 5 }],
      ["failure_rate", { percent: 10, windowMinutes: 15 }],
      ["long_running", { minutes: 60 }],
      ["no_worker", { forMinutes: 1 }],
      ["quality_below", {}],
      ["backup_missed", { maxAgeHours: 26 }],
    ] as const) {
      await createRule({ name: kind, kind, params }, SYSTEM);
    }

    await timeIt("first count of the history", () => recordMinute(p), 1);
    const sample = await timeIt("metrics sample (per minute)", () => recordMinute(p));
    const evaluate = await timeIt("alert evaluation (per min)", () => evaluateAlerts());
    await timeIt("roll-up (every 5 min)", () => rollUpMetrics(p));
    await timeIt("Prometheus scrape", () => prometheusMetrics());
    await timeIt("health cards", () => healthSummary());
    log(
      `housekeeping per minute: ${(sample + evaluate).toFixed(0)} ms of database time = ${(((sample + evaluate) / 60_000) * 100).toFixed(2)} % of one connection's minute`,
    );

    await drain(Math.min(1000, jobs)); // warm-up
    const bare = await drain(jobs);
    let ticks = 0;
    let stop = false;
    const noise = (async () => {
      while (!stop) {
        await recordMinute(p);
        await evaluateAlerts();
        ticks++;
        await new Promise((r) => setTimeout(r, 1000));
      }
    })();
    const withHousekeeping = await drain(jobs);
    stop = true;
    await noise;
    const a = jobs / bare;
    const b = jobs / withHousekeeping;
    log(`no-op throughput, bare:                          ${a.toFixed(0)} jobs/s`);
    log(`no-op throughput, sampling+alerts every second:  ${b.toFixed(0)} jobs/s (${ticks} rounds)`);
    log(
      `cost at 60× the real rate: ${(((a - b) / a) * 100).toFixed(1)} % (so about ${((((a - b) / a) * 100) / 60).toFixed(2)} % at once a minute)`,
    );
  } finally {
    await closeDb();
    await closePool();
    await pg.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
