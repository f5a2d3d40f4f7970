import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { makeApiKey, setUpTestDatabase } from "../../test/database";
import {
  allBatchRows,
  applySample,
  countStaged,
  finishedJob,
  setUpUploadDir,
  uploadAccepted,
} from "../../test/ingest";
import { startWorker } from "../../workers/worker";
import { failIngest, finalizeBatch, planIngest, runChunk } from "./pipeline";

/**
 * Crash safety and idempotency of the chunked load: a chunk delivered twice (one after the other,
 * or at once), a connection lost mid-COPY, a batch failing while a chunk loads, and a worker
 * process killed with SIGKILL mid-file. Each time: exactly the right rows in staging.
 */
const database = setUpTestDatabase();
const uploadDir = setUpUploadDir();

let key: string;
beforeAll(async () => {
  key = (await makeApiKey("analyst")).key;
  await applySample("listings");
});

const HEADER = "External ID,Website,email,country,price,rating,created_at,url,name";
/** A listings file of `rows` valid rows, ids 1..rows. */
function listingsCsv(rows: number): string {
  const lines = [HEADER];
  for (let i = 1; i <= rows; i++) {
    lines.push(
      `${i},shop${i}.example.com,owner${i}@shop${i}.example.com,DE,${(i % 997) + 0.25},${i % 6},2026-03-04T05:06:07Z,https://shop${i}.example.com/p?q=${i},"Shop number ${i}, est. ${1900 + (i % 120)}"`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Uploads a file and plans its load (no worker runs in this file unless a test starts one). */
async function planned(csv: string, chunkBytes: number) {
  vi.stubEnv("INGEST_CHUNK_BYTES", String(chunkBytes));
  try {
    const accepted = await uploadAccepted(key, "listings", csv);
    const p = { jobId: accepted.jobId, batchId: accepted.batchId };
    await planIngest(pool(), p, null);
    const batch = await db().batch.findUniqueOrThrow({ where: { id: p.batchId } });
    return { ...p, chunks: batch.chunksTotal };
  } finally {
    vi.stubEnv("INGEST_CHUNK_BYTES", "");
  }
}

// What a test queued and drove by hand is not for a worker that a later test starts.
afterEach(async () => {
  await pool().query("SELECT graphile_worker.complete_jobs(ARRAY(SELECT id FROM graphile_worker.jobs))");
});

async function batchCounters(batchId: string) {
  return db().batch.findUniqueOrThrow({
    where: { id: batchId },
    select: { status: true, chunksDone: true, chunksTotal: true, valid: true, rejected: true, rows: true },
  });
}

/** The staged rows' numbers: each exactly once, 1..n. */
async function stagedRowNumbers(
  batchId: string,
): Promise<{ n: number; distinct: number; min: number; max: number; ids: string }> {
  const { rows } = await pool().query(
    `SELECT count(*)::int AS n, count(DISTINCT _row)::int AS distinct, min(_row) AS min, max(_row) AS max,
            sum(external_id)::text AS ids
     FROM staging.listings WHERE _batch_id = $1`,
    [batchId],
  );
  return rows[0];
}
const idSum = (n: number) => String((n * (n + 1)) / 2);

/** Resolves once a COPY into staging.listings has sent rows, from a backend of `application`. */
async function copyUnderway(application: string, timeout = 20_000): Promise<number> {
  return vi.waitFor(
    async () => {
      const { rows } = await pool().query<{ pid: number; tuples: string }>(
        `SELECT p.pid, p.tuples_processed AS tuples FROM pg_stat_progress_copy p
         JOIN pg_stat_activity a ON a.pid = p.pid
         WHERE p.relid = 'staging.listings'::regclass AND a.application_name = $1 AND a.datname = current_database()`,
        [application],
      );
      expect(rows.length && Number(rows[0]!.tuples)).toBeGreaterThan(0);
      return rows[0]!.pid;
    },
    { timeout, interval: 5 },
  );
}

describe("a chunk delivered more than once", () => {
  it("loads its rows once when run twice in a row", async () => {
    const p = await planned(listingsCsv(300), 4096);
    expect(p.chunks).toBeGreaterThan(4);

    await runChunk(pool(), { ...p, index: 0 });
    const once = await countStaged("listings", p.batchId);
    await runChunk(pool(), { ...p, index: 0 });

    expect(once).toBeGreaterThan(0);
    expect(await countStaged("listings", p.batchId)).toBe(once);
    expect(await batchCounters(p.batchId)).toMatchObject({ chunksDone: 1, valid: once });
  });

  it("loads every row exactly once when each chunk is run twice at the same time", async () => {
    const p = await planned(listingsCsv(300), 4096);
    const runs = Array.from({ length: p.chunks }, (_, index) => [
      runChunk(pool(), { ...p, index }),
      runChunk(pool(), { ...p, index }),
    ]).flat();

    await Promise.all(runs);

    expect(await stagedRowNumbers(p.batchId)).toEqual({
      n: 300,
      distinct: 300,
      min: 1,
      max: 300,
      ids: idSum(300),
    });
    expect(await batchCounters(p.batchId)).toMatchObject({ chunksDone: p.chunks, valid: 300, rejected: 0 });

    await Promise.all([finalizeBatch(pool(), p), finalizeBatch(pool(), p)]);

    const job = await finishedJob(key, p.jobId);
    expect(job).toMatchObject({
      status: "succeeded",
      counts: { rows: 300, valid: 300, rejected: 0, duplicates: 0 },
    });
    const { rows } = await allBatchRows(key, p.batchId, 128);
    expect(rows.map((r) => r.external_id)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it("keeps its first plan when planned again with another chunk size", async () => {
    const p = await planned(listingsCsv(300), 64 << 20);
    const chunksBefore = await db().batchChunk.findMany({ where: { batchId: p.batchId } });
    expect(chunksBefore).toHaveLength(1);

    // The plan task delivered again, on a worker configured with smaller chunks.
    vi.stubEnv("INGEST_CHUNK_BYTES", "4096");
    try {
      await planIngest(pool(), p, null);
    } finally {
      vi.stubEnv("INGEST_CHUNK_BYTES", "");
    }

    expect(await db().batchChunk.findMany({ where: { batchId: p.batchId } })).toEqual(chunksBefore);
    expect(await batchCounters(p.batchId)).toMatchObject({ chunksTotal: 1, rows: 300 });
    await runChunk(pool(), { ...p, index: 0 });
    await finalizeBatch(pool(), p);
    expect(await finishedJob(key, p.jobId)).toMatchObject({
      status: "succeeded",
      counts: { rows: 300, valid: 300 },
    });
    expect(await stagedRowNumbers(p.batchId)).toEqual({
      n: 300,
      distinct: 300,
      min: 1,
      max: 300,
      ids: idSum(300),
    });
  });

  it("does not hold up other chunks: ten loading at once in one process all finish", async () => {
    // More chunks at once than the process's pool has connections.
    const p = await planned(listingsCsv(1000), 4096);
    expect(p.chunks).toBeGreaterThanOrEqual(10);

    await Promise.all(Array.from({ length: p.chunks }, (_, index) => runChunk(pool(), { ...p, index })));

    expect(await stagedRowNumbers(p.batchId)).toMatchObject({ n: 1000, distinct: 1000 });
  });
});

describe("a load interrupted mid-COPY", () => {
  it("leaves nothing staged when its connection dies, and the retry loads every row once", async () => {
    const p = await planned(listingsCsv(60_000), 64 << 20);
    expect(p.chunks).toBe(1);

    const loading = runChunk(pool(), { ...p, index: 0 });
    const outcome = loading.then(
      () => "finished",
      (err: Error) => err.message,
    );
    const backend = await copyUnderway("sluice-app");
    await pool().query("SELECT pg_terminate_backend($1)", [backend]);

    // The load fails (how depends on where the COPY was when its connection went).
    expect(await outcome).not.toBe("finished");
    expect(await countStaged("listings", p.batchId)).toBe(0);
    expect(await batchCounters(p.batchId)).toMatchObject({ chunksDone: 0, valid: 0 });

    await runChunk(pool(), { ...p, index: 0 });

    expect(await stagedRowNumbers(p.batchId)).toEqual({
      n: 60_000,
      distinct: 60_000,
      min: 1,
      max: 60_000,
      ids: idSum(60_000),
    });
    expect(await batchCounters(p.batchId)).toMatchObject({ chunksDone: 1, valid: 60_000 });
  });

  it("keeps no rows of a chunk that finishes loading after its batch failed", async () => {
    const p = await planned(listingsCsv(300), 4096);
    // Hold the batch row so that the failure is queued first and the chunk's commit after it.
    const holder = await pool().connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM app.batches WHERE id = $1 FOR UPDATE", [p.batchId]);
      const failing = failIngest(pool(), p, "another chunk found an unterminated quote");
      await waitingOnLock(1);
      const loading = runChunk(pool(), { ...p, index: 0 });
      await waitingOnLock(2);
      await holder.query("ROLLBACK");
      await Promise.all([failing, loading]);
    } finally {
      holder.release();
    }

    expect(await batchCounters(p.batchId)).toMatchObject({ status: "failed" });
    expect(await countStaged("listings", p.batchId)).toBe(0);
  });
});

async function waitingOnLock(n: number) {
  await vi.waitFor(
    async () => {
      const { rows } = await pool().query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE app.batches%'`,
      );
      expect(rows[0]!.n).toBe(n);
    },
    { timeout: 10_000, interval: 10 },
  );
}

describe("worker processes", () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  });

  /** `npm run worker` as a child process on the test database; resolves once it has registered. */
  async function spawnWorker(env: Record<string, string> = {}) {
    const child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        UPLOAD_DIR: uploadDir(),
        WORKER_CONCURRENCY: "1",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let output = "";
    child.stdout!.on("data", (d) => {
      output += d;
    });
    child.stderr!.on("data", (d) => {
      output += d;
    });
    const registered = await vi.waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`the worker exited: ${output}`);
        const { rows } = await pool().query<{ id: string; graphile_worker_ids: string[] }>(
          "SELECT id, graphile_worker_ids FROM app.worker_processes WHERE pid = $1 AND stopped_at IS NULL",
          [child.pid],
        );
        expect(rows[0]?.graphile_worker_ids.length).toBeGreaterThan(0);
        return rows[0]!;
      },
      { timeout: 30_000, interval: 100 },
    );
    return { child, id: registered.id, graphileIds: registered.graphile_worker_ids, output: () => output };
  }

  it("keeps running after a file it cannot parse, and loads the next one", async () => {
    const worker = await spawnWorker({ INGEST_CHUNK_BYTES: "2048" });

    const bad = await uploadAccepted(key, "listings", `${listingsCsv(200)}201,"never closed\n202,x\n`);
    const failed = await finishedJob(key, bad.jobId).catch((err) => {
      throw new Error(`${err.message}\n${worker.output()}`);
    });
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/line 202, column 5: a quoted field is never closed/);

    const good = await uploadAccepted(key, "listings", listingsCsv(50));
    expect(await finishedJob(key, good.jobId)).toMatchObject({ status: "succeeded", counts: { valid: 50 } });
    expect((await db().job.findUniqueOrThrow({ where: { id: good.jobId } })).workerId).toBe(worker.id);
    expect(worker.child.exitCode, worker.output()).toBeNull();

    worker.child.kill("SIGTERM");
    await new Promise((resolve) => worker.child.once("exit", resolve));
    expect(worker.child.exitCode, worker.output()).toBe(0);
  }, 60_000);

  it("finishes a file with exactly the right rows after the worker loading it is killed with SIGKILL", async () => {
    const rows = 150_000;
    const worker = await spawnWorker({ INGEST_CHUNK_BYTES: String(4 << 20) });
    const accepted = await uploadAccepted(key, "listings", listingsCsv(rows));

    // Kill it once one chunk is in and another is half-way through its COPY.
    await vi.waitFor(
      async () => {
        const { rows: done } = await pool().query<{ n: number }>(
          "SELECT count(*)::int AS n FROM app.batch_chunks WHERE batch_id = $1 AND done_at IS NOT NULL",
          [accepted.batchId],
        );
        expect(done[0]!.n).toBeGreaterThan(0);
      },
      { timeout: 30_000, interval: 5 },
    );
    await copyUnderway("sluice-worker");
    worker.child.kill("SIGKILL");
    await new Promise((resolve) => worker.child.once("exit", resolve));

    // Postgres notices the dead connection and rolls its transaction back.
    await vi.waitFor(
      async () => {
        const { rows: left } = await pool().query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'sluice-worker' AND datname = current_database()",
        );
        expect(left[0]!.n).toBe(0);
      },
      { timeout: 10_000, interval: 20 },
    );
    const batch = await db().batch.findUniqueOrThrow({
      where: { id: accepted.batchId },
      include: { chunks: true },
    });
    expect(batch.chunksTotal).toBeGreaterThan(2);
    expect(batch.chunksDone).toBeLessThan(batch.chunksTotal);
    const committed = batch.chunks.filter((c) => c.doneAt).reduce((sum, c) => sum + c.valid, 0);
    expect(await countStaged("listings", accepted.batchId)).toBe(committed);

    // Graphile Worker keeps the dead worker's job locked until told the worker is gone.
    const { rows: locked } = await pool().query<{ n: number }>(
      "SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE locked_by = ANY($1::text[])",
      [worker.graphileIds],
    );
    expect(locked[0]!.n).toBe(1);
    await pool().query("SELECT graphile_worker.force_unlock_workers($1::text[])", [worker.graphileIds]);

    const replacement = await startWorker({ pool: pool(), concurrency: 2, version: "test" });
    try {
      const job = await finishedJob(key, accepted.jobId, 60_000);
      expect(job).toMatchObject({
        status: "succeeded",
        counts: { rows, valid: rows, rejected: 0, duplicates: 0 },
      });
    } finally {
      await replacement.stop();
    }
    expect(await stagedRowNumbers(accepted.batchId)).toEqual({
      n: rows,
      distinct: rows,
      min: 1,
      max: rows,
      ids: idSum(rows),
    });
  }, 90_000);
});
