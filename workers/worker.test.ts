import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { getHealth } from "@/health/health";
import { enqueueJob } from "@/queue/jobs";
import type { Priority } from "@/queue/priorities";
import { countLiveWorkers } from "@/queue/worker-registry";
import { type LiveEvent, liveHub, publishLive } from "@/server/live";
import { makeUser, setUpTestDatabase } from "../test/database";
import { type SluiceWorker, startWorker } from "./worker";

setUpTestDatabase();

const start = (concurrency = 2) => startWorker({ pool: pool(), concurrency, version: "test" });

/** Waits (a few seconds at most) until the Sluice job has the status. */
function waitForStatus(jobId: string, status: string, timeout = 10_000) {
  return vi.waitFor(
    async () => {
      const job = await db().job.findUniqueOrThrow({ where: { id: jobId } });
      expect(job.status).toBe(status);
      return job;
    },
    { timeout, interval: 50 },
  );
}

async function workerRow(id: string) {
  const { rows } = await pool().query("SELECT * FROM app.worker_processes WHERE id = $1", [id]);
  return rows[0] as {
    host: string;
    pid: number;
    concurrency: number;
    version: string;
    stopped_at: Date | null;
    graphile_worker_ids: string[];
    jobs_succeeded: number;
  };
}

describe("a running worker", () => {
  let worker: SluiceWorker;
  beforeAll(async () => {
    worker = await start(2);
  });
  afterAll(async () => {
    await worker.stop();
  });

  it("registers itself with its host, pid, concurrency, version and Graphile Worker ids", async () => {
    const row = await workerRow(worker.id);
    expect(row).toMatchObject({ pid: process.pid, concurrency: 2, version: "test", stopped_at: null });
    expect(row.host).toEqual(expect.any(String));
    // The ids are what force_unlock_workers needs to free a dead worker's jobs: the pool's and
    // one per concurrent worker.
    expect(row.graphile_worker_ids).toHaveLength(3);
    expect(row.graphile_worker_ids.filter((i: string) => i.startsWith("pool-"))).toHaveLength(1);
  });

  it("runs a ping to success and records which worker ran it", async () => {
    const { actor } = await makeUser({ role: "operator" });

    const queued = await enqueueJob({ task: "ping", payload: {}, priority: "high" }, actor);
    expect(queued.status).toBe("queued");

    const done = await waitForStatus(queued.id, "succeeded");
    expect(done).toMatchObject({ attempts: 1, workerId: worker.id, progress: 1, error: null });
    expect(done.counts).toMatchObject({ workerProcessId: worker.id, waitedMs: expect.any(Number) });
    expect(done.startedAt).toBeInstanceOf(Date);
    expect(done.finishedAt!.getTime()).toBeGreaterThanOrEqual(done.startedAt!.getTime());
    // Graphile Worker deletes what it completed (just after the task returns); Sluice's own table
    // keeps the history.
    await vi.waitFor(async () => {
      const { rows } = await pool().query("SELECT count(*)::int AS n FROM graphile_worker.jobs");
      expect(rows[0]).toEqual({ n: 0 });
    });
    expect((await workerRow(worker.id)).jobs_succeeded).toBeGreaterThanOrEqual(1);
  });

  it("sends the job's progress live: queued, running, succeeded", async () => {
    const hub = liveHub();
    const controller = new AbortController();
    const seen: LiveEvent[] = [];
    const listening = (async () => {
      for await (const e of hub.events(controller.signal)) if (typeof e === "object") seen.push(e);
    })();
    try {
      // Subscribed for sure once a probe sent now comes back.
      await vi.waitFor(
        async () => {
          await publishLive({ type: "worker", workerId: "probe", state: "heartbeat" }, pool());
          expect(seen.some((e) => e.type === "worker" && e.workerId === "probe")).toBe(true);
        },
        { timeout: 5_000, interval: 100 },
      );

      const job = await enqueueJob({ task: "ping", payload: {} }, SYSTEM);

      await vi.waitFor(
        () => {
          const statuses = seen.flatMap((e) => (e.type === "job" && e.jobId === job.id ? [e.status] : []));
          expect(statuses).toEqual(["queued", "running", "succeeded"]);
        },
        { timeout: 10_000, interval: 50 },
      );
    } finally {
      controller.abort();
      await listening;
    }
  });

  it("makes health report ok with the worker counted", async () => {
    const health = await getHealth();
    expect(health).toMatchObject({ status: "ok", database: "ok" });
    expect(health.workers).toBeGreaterThanOrEqual(1);
  });

  it("records its stop, after which it no longer counts as live", async () => {
    const before = await countLiveWorkers(pool());

    await worker.stop();

    expect((await workerRow(worker.id)).stopped_at).toBeInstanceOf(Date);
    expect(await countLiveWorkers(pool())).toBe(before - 1);
    expect(await getHealth()).toMatchObject({ status: "degraded", workers: before - 1 });
  });
});

describe("priorities", () => {
  it("runs emergency work before background work queued earlier", async () => {
    // Queued while no worker runs, lowest priority first.
    const order: Priority[] = ["background", "standard", "high", "emergency"];
    const jobs = new Map<Priority, string>();
    for (const priority of order) {
      jobs.set(priority, (await enqueueJob({ task: "ping", payload: {}, priority }, SYSTEM)).id);
    }

    const worker = await start(1);
    try {
      for (const id of jobs.values()) await waitForStatus(id, "succeeded");
    } finally {
      await worker.stop();
    }

    const ran = await db().job.findMany({
      where: { id: { in: [...jobs.values()] } },
      orderBy: { startedAt: "asc" },
      select: { priority: true },
    });
    expect(ran.map((j) => j.priority)).toEqual(["emergency", "high", "standard", "background"]);
  });
});
