import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import * as cancelRoute from "../../app/api/v1/jobs/[id]/cancel/route";
import * as retryRoute from "../../app/api/v1/jobs/[id]/retry/route";
import { makeApiKey, setUpTestDatabase } from "../../test/database";
import { applySample, countStaged, finishedJob, setUpUploadDir, uploadAccepted } from "../../test/ingest";
import { startWorker } from "../../workers/worker";
import { enqueueJob, taskKey } from "./jobs";

setUpTestDatabase();
setUpUploadDir();

const post = (route: typeof cancelRoute | typeof retryRoute, id: string, key: string) =>
  route.POST(
    new Request(`http://localhost/api/v1/jobs/${id}/x`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}` },
    }),
    {
      params: Promise.resolve({ id }),
    },
  );

const waitingTasks = async (jobId: string) =>
  (await pool().query("SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = $1", [taskKey(jobId)]))
    .rows[0].n;

let operator: string;
let analyst: string;
beforeAll(async () => {
  operator = (await makeApiKey("operator")).key;
  analyst = (await makeApiKey("analyst")).key;
  await applySample("listings");
});

describe("job actions", () => {
  it("cancels a queued job (its task is removed) and retries it to success", async () => {
    const job = await enqueueJob({ task: "ping", payload: {} }, SYSTEM);
    expect(await waitingTasks(job.id)).toBe(1);
    const cancelled = await post(cancelRoute, job.id, operator);
    expect(cancelled.status).toBe(200);
    expect((await cancelled.json()).status).toBe("cancelled");
    expect(await waitingTasks(job.id)).toBe(0);

    // Cancelling again, or retrying something not failed/cancelled, is a conflict.
    expect((await post(cancelRoute, job.id, operator)).status).toBe(409);

    const retried = await post(retryRoute, job.id, operator);
    expect(retried.status).toBe(200);
    expect((await retried.json()).status).toBe("queued");
    const worker = await startWorker({ pool: pool(), concurrency: 1, version: "test" });
    try {
      await vi.waitFor(
        async () =>
          expect((await db().job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("succeeded"),
        {
          timeout: 10_000,
        },
      );
    } finally {
      await worker.stop();
    }
    expect((await post(retryRoute, job.id, operator)).status).toBe(409);
  });

  it("refuses analysts (403)", async () => {
    const job = await enqueueJob({ task: "ping", payload: {} }, SYSTEM);
    expect((await post(cancelRoute, job.id, analyst)).status).toBe(403);
    expect((await post(retryRoute, job.id, analyst)).status).toBe(403);
  });

  it("cancels an upload before it loads and retries it into a complete batch", async () => {
    const accepted = await uploadAccepted(
      operator,
      "listings",
      readFileSync("public/samples/listings.csv", "utf8"),
    );
    const res = await post(cancelRoute, accepted.jobId, operator);
    expect((await res.json()).status).toBe("cancelled");
    expect((await db().batch.findUniqueOrThrow({ where: { id: accepted.batchId } })).status).toBe(
      "cancelled",
    );
    expect(await countStaged("listings", accepted.batchId)).toBe(0);

    expect((await post(retryRoute, accepted.jobId, operator)).status).toBe(200);
    const worker = await startWorker({ pool: pool(), concurrency: 2, version: "test" });
    try {
      const job = await finishedJob(operator, accepted.jobId);
      expect(job.status).toBe("succeeded");
      expect(job.counts).toEqual({ rows: 61, valid: 55, rejected: 5, duplicates: 1 });
      expect(await countStaged("listings", accepted.batchId)).toBe(55);
    } finally {
      await worker.stop();
    }
  });
});
