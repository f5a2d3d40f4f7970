import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "@/db/embedded";
import { closePool, pool } from "@/db/pool";
import { closeDb } from "@/db/prisma";
import { prepareDatabase } from "@/db/setup";
import { connectTo } from "@/env";
import { makeApiKey } from "../../test/database";
import {
  applySample,
  finishedJob,
  queueIdle,
  setUpUploadDir,
  setUpWorker,
  stagedRows,
  uploadAccepted,
} from "../../test/ingest";

/**
 * A real Postgres crash, on a server of this file's own (the run's shared server must not crash
 * under the other files): a backend killed with SIGKILL makes the postmaster reset every backend
 * and recover, and recovery empties unlogged tables, staging included. The worker must notice and
 * load the lost batch again from its stored upload, ending with exactly the rows it had.
 */
let server: EmbeddedDatabase;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sluice-crash-"));
  // As root, Postgres runs as the `postgres` OS user, which must be able to reach its data dir.
  await chmod(dir, 0o755);
  server = await startEmbeddedPostgres(dir, { database: "sluice" });
  await prepareDatabase(server.url);
  connectTo(server.url);
}, 120_000);
afterAll(async () => {
  await closeDb();
  await closePool();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});
setUpUploadDir();
setUpWorker(2);

async function crashPostgres(url: string) {
  const victim = new pg.Client({ connectionString: url });
  victim.on("error", () => undefined);
  await victim.connect();
  const { rows } = await victim.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  process.kill(rows[0]!.pid, "SIGKILL");
  await victim.end().catch(() => undefined);
}

describe("staged rows lost in a Postgres crash", () => {
  it("are loaded again from the stored upload, exactly as before", async () => {
    const key = (await makeApiKey("analyst")).key;
    await applySample("listings");
    const accepted = await uploadAccepted(key, "listings", await readFile("public/samples/listings.csv"));
    const first = await finishedJob(key, accepted.jobId);
    expect(first.status).toBe("succeeded");
    const before = await stagedRows("listings", accepted.batchId);
    expect(before).toHaveLength(55);
    const { rows: persistence } = await pool().query(
      "SELECT relpersistence FROM pg_class WHERE oid = 'staging.listings'::regclass",
    );
    expect(persistence[0].relpersistence).toBe("u");

    // Nothing may be running when Postgres goes down: a job failing on the dead connection is a
    // different story (Graphile Worker does not await failing it; the worker process exits and
    // `npm start` starts another), and not this test's.
    await queueIdle();
    await crashPostgres(server.url);

    // The crash emptied the sentinel and staging; a worker notices within its reaper interval.
    const restage = await vi.waitFor(
      async () => {
        const { rows } = await pool().query(
          "SELECT details FROM app.audit_events WHERE action = 'batch.restage' AND target_id = $1",
          [accepted.batchId],
        );
        expect(rows).toHaveLength(1);
        return rows[0];
      },
      { timeout: 45_000, interval: 500 },
    );
    expect(restage.details.reason).toMatch(/Postgres crash/);

    const again = await finishedJob(key, accepted.jobId, 30_000);
    expect(again).toMatchObject({
      status: "succeeded",
      counts: { rows: 61, valid: 55, rejected: 5, duplicates: 1 },
    });
    expect(await stagedRows("listings", accepted.batchId)).toEqual(before);
    const { rows: rejects } = await pool().query(
      "SELECT count(*)::int AS n FROM app.batch_rejects WHERE batch_id = $1",
      [accepted.batchId],
    );
    expect(rejects[0].n).toBe(6);
    const { rows: sentinel } = await pool().query("SELECT 1 FROM app.unlogged_sentinel");
    expect(sentinel).toHaveLength(1);
  }, 120_000);
});
