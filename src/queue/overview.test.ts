import { beforeAll, describe, expect, it } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { pool } from "@/db/pool";
import * as queueRoute from "../../app/api/v1/queue/route";
import { makeApiKey, setUpTestDatabase } from "../../test/database";
import { startWorker } from "../../workers/worker";
import { enqueueJob } from "./jobs";
import { queueOverview } from "./overview";

setUpTestDatabase();

const get = (key: string) =>
  queueRoute.GET(
    new Request("http://localhost/api/v1/queue", { headers: { authorization: `Bearer ${key}` } }),
    {
      params: Promise.resolve({}),
    },
  );

let operator: string;
let analyst: string;
beforeAll(async () => {
  operator = (await makeApiKey("operator")).key;
  analyst = (await makeApiKey("analyst")).key;
});

describe("the queue overview", () => {
  it("counts waiting work by priority, task and state, with the oldest waiting age", async () => {
    await enqueueJob({ task: "ping", payload: {}, priority: "emergency" }, SYSTEM);
    await enqueueJob({ task: "ping", payload: {}, priority: "background" }, SYSTEM);
    await enqueueJob({ task: "ping", payload: {}, priority: "background" }, SYSTEM);
    const o = await queueOverview();
    expect(o.byPriority.emergency.waiting).toBe(1);
    expect(o.byPriority.background.waiting).toBe(2);
    expect(o.byPriority.standard.waiting).toBe(0);
    expect(o.byTask).toEqual([{ task: "ping", counts: expect.objectContaining({ waiting: 3 }) }]);
    expect(o.oldestWaitingSeconds).toBeGreaterThanOrEqual(0);
  });

  it("shows each worker with what it runs now", async () => {
    const worker = await startWorker({ pool: pool(), concurrency: 1, version: "test" });
    try {
      const job = await enqueueJob({ task: "ping", payload: { holdMs: 2_000 } }, SYSTEM);
      await new Promise((r) => setTimeout(r, 1_200));
      const o = await queueOverview();
      const me = o.workers.find((w) => w.id === worker.id);
      expect(me).toMatchObject({ state: "alive", concurrency: 1 });
      expect(me?.running.map((r) => r.jobId)).toContain(job.id);
    } finally {
      await worker.stop();
    }
    const after = await queueOverview();
    expect(after.workers.find((w) => w.id === worker.id)?.state).toBe("stopped");
  });

  it("is for operators: 200 for an operator key, 403 for an analyst's", async () => {
    expect((await get(operator)).status).toBe(200);
    const res = await get(analyst);
    expect(res.status).toBe(403);
  });
});
