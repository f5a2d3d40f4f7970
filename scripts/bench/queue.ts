/**
 * `npm run bench:queue [-- --jobs N --pings N]`: the operator console at scale.
 *
 * 1. Seeds N (default 1M) waiting jobs (app.jobs + Graphile Worker's queue) and N finished jobs of
 *    history (5 % failed, with varied errors) straight with SQL, then times the server functions
 *    behind the console: the queue overview, job search (several filters, a deep keyset page, text
 *    search), failure groups, the drain forecast and a job's detail. Prints p50/p95 per procedure
 *    (target: p95 < 100 ms).
 * 2. Measures Graphile Worker's throughput on no-op jobs (ping, holdMs 0) without and with the
 *    console's live streams and polling running (the queue page's stream, the Jobs page's list and
 *    failure groups refetched at most once a second, the forecast every 5 s), alternating runs, and
 *    prints the overhead (target < 5 %).
 *
 * Runs on its own embedded Postgres under .data/bench-queue. The machine is shared: figures are rough.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { SYSTEM } from "@/auth/actor";
import { applyDataset } from "@/datasets/registry";
import { startEmbeddedPostgres } from "@/db/embedded";
import { closePool, pool } from "@/db/pool";
import { closeDb } from "@/db/prisma";
import { prepareDatabase } from "@/db/setup";
import { connectTo } from "@/env";
import { currentDepth, sampleMetrics } from "@/metrics/samples";
import { healthSummary } from "@/metrics/summary";
import { enqueuePings } from "@/queue/bulk";
import { ensureQueueIndexes } from "@/queue/depth";
import { failureGroups } from "@/queue/failures";
import { drainForecast } from "@/queue/forecast";
import { jobDetail } from "@/queue/job-detail";
import { listJobs } from "@/queue/job-list";
import { queueOverview } from "@/queue/overview";
import { createCaller } from "@/server/api/root";
import { startWorker } from "../../workers/worker";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "1000000" },
    pings: { type: "string", default: "5000" },
    iterations: { type: "string", default: "40" },
    rounds: { type: "string", default: "3" },
  },
});
const N = Number(values.jobs);
const PINGS = Number(values.pings);
const ITER = Number(values.iterations);
const ROUNDS = Number(values.rounds);
const SLUICE_INDEXES = ["sluice_jobs_unavailable_idx", "sluice_jobs_retrying_idx"];
const dir = path.resolve(import.meta.dirname, "../../.data/bench-queue");
const log = (m: string) => console.log(`[bench] ${m}`);

const sample = JSON.parse(
  (await import("node:fs")).readFileSync(
    path.resolve(import.meta.dirname, "../../src/datasets/samples/listings.json"),
    "utf8",
  ),
);

async function seed() {
  const p = pool();
  await applyDataset(sample, SYSTEM);
  // Graphile's task row for ping (add_job creates it), then the queue straight into its table.
  await p.query("SELECT graphile_worker.add_job('ping', '{}'::json)");
  await p.query("DELETE FROM graphile_worker._private_jobs");
  const t0 = Date.now();
  // Bulk loads go faster without the trigram index; it is built once afterwards.
  await p.query("DROP INDEX IF EXISTS app.jobs_search_trgm_idx");
  log(`seeding ${N.toLocaleString()} finished jobs of history…`);
  await p.query(
    `INSERT INTO app.jobs (id, type, dataset_id, priority, status, progress, payload, error, created_at, started_at, finished_at, attempts)
     SELECT gen_random_uuid(), (ARRAY['ping','ingest','quality_report'])[1 + g % 3],
       CASE WHEN g % 4 = 0 THEN (SELECT id FROM app.datasets WHERE name = 'listings') END,
       (ARRAY['emergency','high','standard','background'])[1 + g % 4]::app."Priority",
       CASE WHEN g % 20 = 0 THEN 'failed' ELSE 'succeeded' END::app."JobStatus", 1,
       jsonb_build_object('message', 'history ' || g),
       CASE WHEN g % 20 = 0 THEN (ARRAY['Upstream 10.0.' || (g % 250) || '.9 answered 503 for "order-' || g || '"',
         'Timeout after ' || (g % 900) || ' ms', 'Row ' || g || ' of file ' || md5(g::text) || ' has an unterminated quote'])[1 + g % 3] END,
       now() - interval '7 days' + g * (interval '7 days' / $1), now() - interval '7 days' + g * (interval '7 days' / $1),
       now() - interval '7 days' + g * (interval '7 days' / $1) + interval '2 seconds', 1
     FROM generate_series(1, $1::int) g`,
    [N],
  );
  log(`seeding ${N.toLocaleString()} waiting jobs (app.jobs and Graphile's queue)…`);
  await p.query(
    `WITH ins AS (
       INSERT INTO app.jobs (id, type, priority, status, payload, created_at)
       SELECT id, 'ping', (ARRAY['emergency','high','standard','background'])[1 + g % 4]::app."Priority",
         'queued', jsonb_build_object('jobId', id), now() - interval '1 hour' + g * (interval '1 hour' / $1)
       FROM (SELECT gen_random_uuid() AS id, g FROM generate_series(1, $1::int) g) s
       RETURNING id, priority, created_at)
     INSERT INTO graphile_worker._private_jobs (task_id, payload, priority, run_at, max_attempts, key, flags, created_at)
     SELECT (SELECT id FROM graphile_worker._private_tasks WHERE identifier = 'ping'),
       json_build_object('jobId', id),
       CASE priority WHEN 'emergency' THEN -100 WHEN 'high' THEN -10 WHEN 'background' THEN 10 ELSE 0 END,
       created_at, 5, 'job:' || id,
       jsonb_build_object('all', true, 'task:ping', true, 'priority:' || priority, true, 'job:' || id, true), created_at
     FROM ins`,
    [N],
  );
  log("rebuilding the search index…");
  await p.query(`CREATE INDEX jobs_search_trgm_idx ON app.jobs
    USING gin ((id::text || ' ' || payload::text || ' ' || COALESCE(error, '')) gin_trgm_ops)`);
  await p.query("VACUUM ANALYZE app.jobs");
  await p.query("VACUUM ANALYZE graphile_worker._private_jobs");
  log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95) };
}

async function time(name: string, fn: (i: number) => Promise<unknown>) {
  await fn(0); // warm
  const ms: number[] = [];
  for (let i = 0; i < ITER; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  const { p50, p95 } = stats(ms);
  const verdict = p95 < 100 ? "ok" : "OVER 100 ms";
  console.log(
    `  ${name.padEnd(44)} p50 ${p50.toFixed(1).padStart(7)} ms   p95 ${p95.toFixed(1).padStart(7)} ms   ${verdict}`,
  );
}

async function procedures() {
  const p = pool();
  const ids = (
    await p.query<{ id: string }>("SELECT id FROM app.jobs TABLESAMPLE SYSTEM (0.1) LIMIT 200")
  ).rows.map((r) => r.id);
  const page1 = await listJobs({ limit: 50 }, SYSTEM);
  let cursor = page1.nextCursor ?? undefined;
  for (let i = 0; i < 200 && cursor; i++)
    cursor = (await listJobs({ limit: 50, cursor }, SYSTEM)).nextCursor ?? undefined;
  log(
    `procedures (${ITER} calls each, ${(N * 2).toLocaleString()} jobs in app.jobs, ${N.toLocaleString()} in the queue):`,
  );
  await time("queue overview (queue.overview)", () => queueOverview());
  await time("job search: first page (jobs.list)", () => listJobs({ limit: 50 }, SYSTEM));
  await time("job search: page 200 by keyset", () => listJobs({ limit: 50, cursor }, SYSTEM));
  await time("job search: state failed", () => listJobs({ limit: 50, state: "failed" }, SYSTEM));
  await time("job search: waiting, priority high", () =>
    listJobs({ limit: 50, state: "waiting", priority: "high" }, SYSTEM),
  );
  await time("job search: dataset listings, oldest first", () =>
    listJobs({ limit: 50, dataset: "listings", sort: "oldest" }, SYSTEM),
  );
  await time("job search: text 'unterminated'", () => listJobs({ limit: 50, q: "unterminated" }, SYSTEM));
  await time("job search: last hour", () =>
    listJobs({ limit: 50, from: new Date(Date.now() - 3_600_000).toISOString() }, SYSTEM),
  );
  await time("failure groups (jobs.failureGroups)", () => failureGroups({}, SYSTEM));
  await time("drain forecast (queue.forecast)", () => drainForecast({ windowMinutes: 5 }));
  await time("job detail (jobs.detail)", (i) => jobDetail(ids[i % ids.length]!));
  await time("health cards (metrics.summary)", () => healthSummary());
  await time("depth sample (metrics sampler, alerts)", () => currentDepth(p));
}

/**
 * What open consoles ask of the server: the Queue page's stream and the Overview's, the Jobs page
 * (list and failure groups refetched every second), the forecast every 5 s (as sharedForecast
 * computes it), and the metrics sampler at its real rate, once a minute.
 */
function runConsole(signal: AbortSignal): Promise<void> {
  const caller = createCaller({ actor: SYSTEM }, { signal });
  const streams = [caller.queue.live(), caller.system.overviewLive()].map(async (s) => {
    for await (const _ of await s) if (signal.aborted) break;
  });
  const poll = (async () => {
    let n = 0;
    while (!signal.aborted) {
      await Promise.all([listJobs({ limit: 50 }, SYSTEM), failureGroups({}, SYSTEM)]);
      if (n % 5 === 0) await drainForecast({});
      if (n++ % 60 === 0) await sampleMetrics(pool());
      await new Promise((r) => setTimeout(r, 1_000));
    }
  })();
  return Promise.all([...streams.map((s) => s.catch(() => undefined)), poll]).then(() => undefined);
}

async function throughput(withConsole: boolean, indexes = true): Promise<number> {
  const p = pool();
  if (!indexes) for (const name of SLUICE_INDEXES) await p.query(`DROP INDEX graphile_worker.${name}`);
  await enqueuePings({ count: PINGS, priority: "standard" }, SYSTEM);
  const abort = new AbortController();
  const console_ = withConsole ? runConsole(abort.signal) : Promise.resolve();
  const worker = await startWorker({ pool: p, concurrency: 10, version: "bench" });
  const t = performance.now();
  for (;;) {
    const { rows } = await p.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM graphile_worker._private_jobs",
    );
    if (rows[0]?.n === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - t) / 1000;
  await worker.stop();
  abort.abort();
  await console_;
  if (!indexes) await ensureQueueIndexes(p);
  return PINGS / seconds;
}

async function main() {
  rmSync(dir, { recursive: true, force: true });
  const pg = await startEmbeddedPostgres(dir);
  connectTo(pg.url);
  await prepareDatabase(pg.url);
  process.env.SLUICE_POOL_MAX ??= "30";
  try {
    await seed();
    await procedures();
    log("clearing the waiting queue for the throughput runs (history stays)…");
    await pool().query("DELETE FROM graphile_worker._private_jobs");
    await pool().query("DELETE FROM app.jobs WHERE status = 'queued'");
    await pool().query("VACUUM ANALYZE app.jobs");
    log(`worker throughput on ${PINGS.toLocaleString()} no-op pings per run, concurrency 10, alternating:`);
    // Alternating pairs on a shared machine: each pair's ratio, and the median of them.
    await throughput(false); // warm-up, not counted
    // Also without Sluice's two partial indexes on Graphile's table, for their write cost.
    const ratios: number[] = [];
    const indexRatios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // In a shuffled order each round, so a drift over the round (autovacuum, other load) does not
      // always favour the same run.
      const runs = {
        a: () => throughput(false),
        b: () => throughput(true),
        c: () => throughput(false, false),
      };
      const got: Record<string, number> = {};
      for (const k of (["a", "b", "c"] as const).toSorted(() => Math.random() - 0.5))
        got[k] = await runs[k]();
      const { a, b, c } = got as { a: number; b: number; c: number };
      ratios.push(b / a);
      indexRatios.push(a / c);
      log(
        `  round ${round + 1}: without console ${a.toFixed(0)} jobs/s, with ${b.toFixed(0)} jobs/s (ratio ${(b / a).toFixed(3)}); without Sluice's queue indexes ${c.toFixed(0)} jobs/s`,
      );
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 1;
    log(
      `median ratio with/without the console ${median(ratios).toFixed(3)}: overhead ${((1 - median(ratios)) * 100).toFixed(1)} % (target < 5 %)`,
    );
    log(
      `median ratio with/without Sluice's queue indexes ${median(indexRatios).toFixed(3)}: their write cost ${((1 - median(indexRatios)) * 100).toFixed(1)} %`,
    );
  } finally {
    await closeDb();
    await closePool();
    await pg.stop();
  }
}

await main();
process.exit(0);
