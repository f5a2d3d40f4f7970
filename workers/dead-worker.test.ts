import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, describe, expect, it, vi } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { databaseUrl } from "@/env";
import { enqueueJob } from "@/queue/jobs";
import { reapDeadWorkers } from "@/queue/worker-registry";
import { setUpTestDatabase } from "../test/database";
import { type SluiceWorker, startWorker } from "./worker";

setUpTestDatabase();

let child: ChildProcess | undefined;
let survivor: SluiceWorker | undefined;
afterAll(async () => {
  child?.kill("SIGKILL");
  await survivor?.stop();
});

describe("a worker killed mid-job", () => {
  it("is declared dead, its job unlocked and run again by another worker", async () => {
    // A real worker process, as `npm run worker` starts it.
    child = spawn(process.execPath, ["--import", "tsx", "workers/index.ts"], {
      env: { ...process.env, DATABASE_URL: databaseUrl(), WORKER_CONCURRENCY: "1" },
      stdio: "ignore",
    });
    const job = await enqueueJob({ task: "ping", payload: { holdMs: 3_000 } }, SYSTEM);
    const running = await vi.waitFor(
      async () => {
        const j = await db().job.findUniqueOrThrow({ where: { id: job.id } });
        expect(j.status).toBe("running");
        return j;
      },
      { timeout: 20_000, interval: 100 },
    );
    const victim = running.workerId!;
    child.kill("SIGKILL");
    await new Promise((r) => child?.once("exit", r));

    // Graphile Worker still holds the job for the dead worker…
    const locked = await pool().query(
      "SELECT locked_by FROM graphile_worker.jobs WHERE task_identifier = 'ping'",
    );
    expect(locked.rows[0]?.locked_by).toBeTruthy();

    // …until its heartbeat is stale (here: aged by hand instead of waiting 30 s) and a live worker reaps it.
    await pool().query(
      "UPDATE app.worker_processes SET last_heartbeat_at = now() - interval '1 hour' WHERE id = $1",
      [victim],
    );
    const reaped = await reapDeadWorkers(pool());
    expect(reaped.map((r) => r.id)).toEqual([victim]);
    const row = await db().workerProcess.findUniqueOrThrow({ where: { id: victim } });
    expect(row.stopReason).toBe("heartbeat-lost");
    const unlocked = await pool().query(
      "SELECT locked_by FROM graphile_worker.jobs WHERE task_identifier = 'ping'",
    );
    expect(unlocked.rows[0]?.locked_by ?? null).toBeNull();

    // The job runs again at once on a surviving worker and succeeds there.
    survivor = await startWorker({ pool: pool(), concurrency: 1, version: "test" });
    const done = await vi.waitFor(
      async () => {
        const j = await db().job.findUniqueOrThrow({ where: { id: job.id } });
        expect(j.status).toBe("succeeded");
        return j;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(done.workerId).toBe(survivor.id);
    expect(done.attempts).toBe(2);
    // The job's page shows the lost run and the one that finished.
    const runs = await db().jobAttempt.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
    expect(runs.map((r) => [r.attempt, r.succeeded, r.workerId])).toEqual([
      [1, false, victim],
      [2, true, survivor.id],
    ]);
    expect(runs[0]?.error).toMatch(/stopped heartbeating/);
  });
});
