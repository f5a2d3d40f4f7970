import { afterEach, describe, expect, it } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { pool } from "@/db/pool";
import { currentDepth } from "@/metrics/samples";
import { setUpTestDatabase } from "../../test/database";
import { queueDepth, roundEstimate } from "./depth";
import { drainForecast, EXACT_BACKLOG } from "./forecast";
import { listJobs, SEARCH_SCAN_LIMIT } from "./job-list";

setUpTestDatabase();

afterEach(async () => {
  await pool().query("DELETE FROM graphile_worker._private_jobs");
  await pool().query("DELETE FROM app.jobs");
});

/** Adds `n` Graphile jobs of a task at a priority, then lets `tweak` (SQL SET …) change them. */
async function addJobs(task: string, priority: number, n: number, tweak?: string) {
  const { rows } = await pool().query<{ id: string }>(
    `SELECT (graphile_worker.add_job($1, '{}'::json, priority => $2)).id FROM generate_series(1, $3)`,
    [task, priority, n],
  );
  if (tweak) {
    await pool().query(`UPDATE graphile_worker._private_jobs SET ${tweak} WHERE id = ANY($1::bigint[])`, [
      rows.map((r) => r.id),
    ]);
  }
}

/** The exact count every way it could be done: through Graphile's view, row by row. */
async function bruteForce() {
  const { rows } = await pool().query<{ priority: number; task: string; state: string; n: number }>(
    `SELECT priority, task_identifier AS task, CASE
       WHEN attempts >= max_attempts THEN 'failed'
       WHEN locked_at IS NOT NULL THEN 'running'
       WHEN attempts > 0 THEN 'retrying'
       WHEN run_at > now() THEN 'scheduled'
       ELSE 'waiting' END AS state, count(*)::int AS n
     FROM graphile_worker.jobs GROUP BY 1, 2, 3`,
  );
  return rows;
}

const key = (r: { priority: number; task: string; state: string; n: number }) =>
  `${r.priority}/${r.task}/${r.state}=${r.n}`;

async function everyState() {
  await addJobs("ping", 0, 7);
  await addJobs("ping", 0, 3, "run_at = now() + interval '1 hour'");
  await addJobs("ping", -10, 2, "attempts = 1, last_error = 'boom', run_at = now() + interval '5 minutes'");
  await addJobs("ingest", -10, 1, "attempts = 1, last_error = 'boom'");
  await addJobs("ingest", 10, 4, "attempts = max_attempts, last_error = 'dead'");
  await addJobs("ping", -100, 2, "attempts = 1, locked_at = now(), locked_by = 'w1'");
}

describe("queue depth", () => {
  it("counts every state exactly while the queue is small, as the brute-force count does", async () => {
    await everyState();
    const d = await queueDepth(pool());
    expect(d.sampledPercent).toBeNull();
    expect(d.rows.every((r) => !r.estimated)).toBe(true);
    expect(d.rows.map(key).sort()).toEqual((await bruteForce()).map(key).sort());
    expect(d.oldestWaitingSeconds).toBeGreaterThanOrEqual(0);
  });

  it("estimates only the waiting and scheduled jobs of a priority over the limit, and flags them", async () => {
    await everyState();
    await addJobs("ping", 10, 300);
    const exact = await bruteForce();
    const d = await queueDepth(pool(), { exactLimit: 50 });
    // The small table is read whole by the sample, so even the estimate is right here.
    expect(d.sampledPercent).toBe(100);
    expect(d.rows.map(key).sort()).toEqual(exact.map(key).sort());
    const flagged = d.rows.filter((r) => r.estimated);
    expect(flagged.map(key)).toEqual(["10/ping/waiting=300"]);
    // Running, retrying and failed come from the partial indexes: never estimated.
    expect(
      d.rows.filter((r) => ["running", "retrying", "failed"].includes(r.state)).every((r) => !r.estimated),
    ).toBe(true);
  });

  it("estimates a big queue from a sample of its pages within a few per cent, and drained pages do not fool it", async () => {
    await addJobs("ping", 0, 1);
    const insert = (n: number, priority: number) =>
      pool().query(
        `INSERT INTO graphile_worker._private_jobs (task_id, payload, priority, run_at, max_attempts, flags)
         SELECT (SELECT id FROM graphile_worker._private_tasks WHERE identifier = 'ping'),
           json_build_object('n', g), $2::int, now() - interval '1 minute', 25, '{"all": true}'::jsonb
         FROM generate_series(1, $1::int) g`,
        [n, priority],
      );
    await insert(60_000, 10);
    await insert(20_000, 0);
    let d = await queueDepth(pool(), { exactLimit: 5_000 });
    const n = (p: number) => d.rows.find((r) => r.priority === p && r.state === "waiting");
    expect(d.sampledPercent).toBeLessThan(100);
    expect(n(10)?.estimated).toBe(true);
    expect(n(10)!.n).toBeGreaterThan(60_000 * 0.95);
    expect(n(10)!.n).toBeLessThan(60_000 * 1.05);
    expect(n(0)!.n).toBeGreaterThan(20_001 * 0.95);
    // Drained: the dead rows' pages are still there, but nothing of them is counted.
    await pool().query("DELETE FROM graphile_worker._private_jobs WHERE priority = 10");
    d = await queueDepth(pool(), { exactLimit: 5_000 });
    expect(n(10)).toBeUndefined();
    expect(n(0)!.n).toBeLessThan(20_001 * 1.05);
  });

  it("reads the states that must be exact from Sluice's small partial indexes", async () => {
    const { rows } = await pool().query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = 'graphile_worker' AND indexname LIKE 'sluice_%' ORDER BY 1",
    );
    expect(rows.map((r) => r.indexname)).toEqual(["sluice_jobs_retrying_idx", "sluice_jobs_unavailable_idx"]);
  });

  it("leaves housekeeping out of the sampled depth and flags an estimate there too", async () => {
    await addJobs("metrics_sample", -1000, 2);
    await addJobs("ping", 0, 5);
    const small = await currentDepth(pool());
    expect(small.depth.emergency).toEqual({});
    expect(small.depth.standard).toEqual({ waiting: 5 });
    expect(small.estimated).toBe(false);
  });

  it("rounds estimates to three significant figures", () => {
    expect(roundEstimate(987.4)).toBe(987);
    expect(roundEstimate(123_456)).toBe(123_000);
    expect(roundEstimate(1_004_999)).toBe(1_000_000);
  });
});

describe("bounded reads", () => {
  it("estimates a backlog over the exact limit and says so; smaller ones stay exact", async () => {
    await pool().query(
      `INSERT INTO app.jobs (id, type, priority, status, payload, created_at)
       SELECT gen_random_uuid(), 'ping', 'background', 'queued', '{}', now() FROM generate_series(1, $1::int)`,
      [EXACT_BACKLOG + 500],
    );
    await pool().query(
      `INSERT INTO app.jobs (id, type, priority, status, payload, created_at)
       SELECT gen_random_uuid(), 'ping', 'high', 'queued', '{}', now() FROM generate_series(1, 3)`,
    );
    const f = await drainForecast({ windowMinutes: 5 });
    const bg = f.priorities.find((p) => p.priority === "background")!;
    const high = f.priorities.find((p) => p.priority === "high")!;
    expect(high).toMatchObject({ backlog: 3, backlogEstimated: false });
    expect(bg.backlogEstimated).toBe(true);
    expect(bg.backlog).toBeGreaterThan(EXACT_BACKLOG);
    // The arrivals were more than the rate reads: measured over the newest ones, a shorter span.
    expect(f.measuredOverMinutes).toBeLessThan(5);
    expect(bg.arrivedPerMinute).toBeGreaterThan(1000);
  });

  it("stops a text search after its scan limit and says so; a narrower one is whole", async () => {
    await pool().query(
      `INSERT INTO app.jobs (id, type, priority, status, payload, error, created_at)
       SELECT gen_random_uuid(), 'ping', 'standard', 'failed', '{}', 'common trouble ' || g, now() - g * interval '1 second'
       FROM generate_series(1, $1::int) g`,
      [SEARCH_SCAN_LIMIT + 10],
    );
    const wide = await listJobs({ q: "common trouble", limit: 10 }, SYSTEM);
    expect(wide.searchLimited).toBe(SEARCH_SCAN_LIMIT);
    expect(wide.jobs).toHaveLength(10);
    const narrow = await listJobs({ q: "trouble 1999", limit: 10 }, SYSTEM);
    expect(narrow.searchLimited).toBeNull();
    expect(narrow.jobs.map((j) => j.error)).toEqual(["common trouble 1999"]);
  });
});
