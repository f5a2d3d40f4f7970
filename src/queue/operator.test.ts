import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { createCaller } from "@/server/api/root";
import { makeUser, setUpTestDatabase, type UserActor } from "../../test/database";
import { applySample } from "../../test/ingest";
import { type SluiceWorker, startWorker } from "../../workers/worker";
import { enqueuePings } from "./bulk";
import { failureGroups } from "./failures";
import { listJobs } from "./job-list";
import { enqueueJob } from "./jobs";
import { pauseDatasets, resumeDatasets } from "./pauses";

setUpTestDatabase();

let operator: UserActor;
let analyst: UserActor;
let admin: UserActor;
let worker: SluiceWorker | undefined;
beforeAll(async () => {
  operator = (await makeUser({ role: "operator" })).actor;
  analyst = (await makeUser({ role: "analyst" })).actor;
  admin = (await makeUser({ role: "admin" })).actor;
  await applySample("listings");
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await pool().query("DELETE FROM app.queue_pauses");
  await pool().query("DELETE FROM graphile_worker._private_jobs");
  await pool().query("DELETE FROM app.jobs");
});

const as = (actor: UserActor) => createCaller({ actor });
const status = async (id: string) => (await db().job.findUniqueOrThrow({ where: { id } })).status;
const waitStatus = (id: string, want: string, timeout = 15_000) =>
  vi.waitFor(async () => expect(await status(id)).toBe(want), { timeout, interval: 100 });
const datasetId = async (name: string) => (await db().dataset.findUniqueOrThrow({ where: { name } })).id;

describe("job search", () => {
  it("filters by task, state, priority, dataset, text and time, and pages by keyset without gaps", async () => {
    await enqueuePings({ count: 120, priority: "background" }, SYSTEM);
    const special = await enqueueJob(
      {
        task: "ping",
        payload: { message: "find-me-42" },
        priority: "emergency",
        datasetId: await datasetId("listings"),
      },
      operator,
    );
    const all = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listJobs({ limit: 25, cursor }, operator);
      for (const j of page.jobs) all.add(j.id);
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(all.size).toBe(121);
    expect(pages).toBe(5);
    const oldestFirst = await listJobs({ limit: 200, sort: "oldest" }, operator);
    expect(oldestFirst.jobs.at(-1)?.id).toBe(special.id);

    expect((await listJobs({ q: "FIND-ME" }, operator)).jobs.map((j) => j.id)).toEqual([special.id]);
    expect((await listJobs({ q: special.id.slice(0, 8) }, operator)).jobs.map((j) => j.id)).toEqual([
      special.id,
    ]);
    expect((await listJobs({ priority: "emergency" }, operator)).jobs).toHaveLength(1);
    expect((await listJobs({ dataset: "listings" }, operator)).jobs).toHaveLength(1);
    expect((await listJobs({ mine: true }, operator)).jobs.map((j) => j.id)).toEqual([special.id]);
    expect((await listJobs({ mine: true }, analyst)).jobs).toHaveLength(0);
    expect((await listJobs({ task: "ingest" }, operator)).jobs).toHaveLength(0);
    expect((await listJobs({ state: "waiting", limit: 200 }, operator)).jobs).toHaveLength(121);
    expect((await listJobs({ state: "failed" }, operator)).jobs).toHaveLength(0);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await listJobs({ from: future }, operator)).jobs).toHaveLength(0);
    expect((await listJobs({ to: future, limit: 5 }, operator)).jobs).toHaveLength(5);
    // A forged cursor is a 400, not a 500.
    await expect(as(operator).jobs.list({ cursor: "x|y" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("walks a 1M-row page along an index (EXPLAIN shows no sort of the whole table)", async () => {
    const plan = await pool().query(
      `EXPLAIN SELECT * FROM app.jobs j WHERE j.status = 'failed' AND (j.created_at, j.id) < (now(), gen_random_uuid())
       ORDER BY j.created_at DESC, j.id DESC LIMIT 51`,
    );
    const text = plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
    await pool().query("SET enable_seqscan = off");
    expect(text).toMatch(/Index/);
    expect(text).not.toMatch(/Sort/);
  });
});

describe("failures", () => {
  it("groups failed jobs by fingerprint and retries a whole group", async () => {
    const ids = [];
    for (const n of [17, 4242, 9]) {
      ids.push(
        (
          await enqueueJob(
            {
              task: "ping",
              payload: {
                failWith: `Upstream 10.0.0.${n} answered 503 for "batch-${n}" (request ${crypto.randomUUID()})`,
              },
            },
            SYSTEM,
          )
        ).id,
      );
    }
    ids.push((await enqueueJob({ task: "ping", payload: { failWith: "Disk full" } }, SYSTEM)).id);
    worker = await startWorker({ pool: pool(), concurrency: 4, version: "test" });
    for (const id of ids) await waitStatus(id, "failed");
    await worker.stop();
    worker = undefined;

    const groups = await failureGroups({}, operator);
    expect(groups.map((g) => [g.fingerprint, g.count])).toEqual([
      ["Upstream <n> answered <n> for <value> (request <id>)", 3],
      ["Disk full", 1],
    ]);
    expect(groups[0]?.firstSeen).toBeTruthy();

    // The attempt and its error are on the job page.
    const detail = await as(analyst).jobs.detail({ id: ids[0]! });
    expect(detail.attemptRuns).toHaveLength(1);
    expect(detail.attemptRuns[0]).toMatchObject({ succeeded: false, task: "ping" });
    expect(detail.attemptRuns[0]?.stack).toMatch(/PermanentJobError/);

    await expect(as(analyst).jobs.retryAll({ fingerprint: groups[0]!.fingerprint! })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const res = await as(operator).jobs.retryAll({ fingerprint: groups[0]!.fingerprint! });
    expect(res).toEqual({ retried: 3, more: false });
    for (const id of ids.slice(0, 3)) expect(await status(id)).toBe("queued");
    expect(await status(ids[3]!)).toBe("failed");
    const audit = await db().auditEvent.findFirst({ where: { action: "job.retry_all" } });
    expect(audit?.details).toMatchObject({ retried: 3 });

    // "Retry all failed matching the filter": the remaining one, by its text.
    expect(await as(operator).jobs.retryAll({ q: "disk" })).toEqual({ retried: 1, more: false });
    expect(await status(ids[3]!)).toBe("queued");
  });
});

describe("reschedule and priority", () => {
  it("reschedules a waiting job into the future (state scheduled) and back to now; changes its priority", async () => {
    const job = await enqueueJob({ task: "ping", payload: {} }, SYSTEM);
    const later = new Date(Date.now() + 3_600_000);
    await as(operator).jobs.reschedule({ id: job.id, runAt: later });
    const graphile = async () =>
      (
        await pool().query("SELECT run_at, priority, flags FROM graphile_worker.jobs WHERE key = $1", [
          `job:${job.id}`,
        ])
      ).rows[0];
    expect(Math.abs((await graphile()).run_at.getTime() - later.getTime())).toBeLessThan(1000);
    expect((await listJobs({ state: "scheduled" }, operator)).jobs.map((j) => j.id)).toEqual([job.id]);

    await as(operator).jobs.setPriority({ id: job.id, priority: "emergency" });
    const g = await graphile();
    expect(g.priority).toBe(-100);
    expect(g.flags).toMatchObject({ "priority:emergency": true });
    expect(Math.abs(g.run_at.getTime() - later.getTime())).toBeLessThan(1000);
    expect((await db().job.findUniqueOrThrow({ where: { id: job.id } })).priority).toBe("emergency");

    worker = await startWorker({ pool: pool(), concurrency: 1, version: "test" });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await status(job.id)).toBe("queued");
    await as(operator).jobs.reschedule({ id: job.id, runAt: new Date() });
    await waitStatus(job.id, "succeeded");
    const actions = (await db().auditEvent.findMany({ where: { targetId: job.id } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["job.reschedule", "job.priority"]));
    await expect(as(analyst).jobs.setPriority({ id: job.id, priority: "high" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(as(operator).jobs.reschedule({ id: job.id, runAt: new Date() })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });
});

describe("pausing", () => {
  it("holds a paused dataset's jobs (queued before the pause too) until resumed", async () => {
    const listings = await enqueueJob(
      { task: "ping", payload: {}, datasetId: await datasetId("listings") },
      SYSTEM,
    );
    expect(await pauseDatasets(["listings"], operator)).toEqual(["dataset:listings"]);
    const other = await enqueueJob({ task: "ping", payload: {} }, SYSTEM);
    worker = await startWorker({ pool: pool(), concurrency: 2, version: "test" });
    await waitStatus(other.id, "succeeded");
    await new Promise((r) => setTimeout(r, 2500));
    expect(await status(listings.id)).toBe("queued");
    const overview = await as(operator).queue.overview();
    expect(overview.pauses.map((p) => p.flag)).toEqual(["dataset:listings"]);
    await resumeDatasets(["listings"], operator);
    await waitStatus(listings.id, "succeeded");
  });

  it("holds a paused queue by task and by priority, each audited; analysts may not pause", async () => {
    await expect(as(analyst).queue.pause({ target: { kind: "task", name: "ping" } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await as(operator).queue.pause({ target: { kind: "priority", name: "high" } });
    const high = await enqueueJob({ task: "ping", payload: {}, priority: "high" }, SYSTEM);
    const low = await enqueueJob({ task: "ping", payload: {}, priority: "background" }, SYSTEM);
    worker = await startWorker({ pool: pool(), concurrency: 2, version: "test" });
    await waitStatus(low.id, "succeeded");
    expect(await status(high.id)).toBe("queued");
    await as(operator).queue.pause({ target: { kind: "task", name: "ping" } });
    await as(operator).queue.resume({ target: { kind: "priority", name: "high" } });
    await new Promise((r) => setTimeout(r, 2500));
    expect(await status(high.id)).toBe("queued");
    await as(operator).queue.resume({ target: { kind: "task", name: "ping" } });
    await waitStatus(high.id, "succeeded");
    const actions = (
      await db().auditEvent.findMany({
        where: { targetType: "queue", targetId: { in: ["priority:high", "task:ping"] } },
      })
    ).map((a) => a.action);
    expect(actions.filter((a) => a === "queue.pause")).toHaveLength(2);
    expect(actions.filter((a) => a === "queue.resume")).toHaveLength(2);
  });

  it("maintenance (admins only) stops new work at once, lets a running job finish, and shows to everyone", async () => {
    await expect(as(operator).queue.setMaintenance({ on: true })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    worker = await startWorker({ pool: pool(), concurrency: 2, version: "test" });
    const running = await enqueueJob({ task: "ping", payload: { holdMs: 2500 } }, SYSTEM);
    await waitStatus(running.id, "running");
    await as(admin).queue.setMaintenance({ on: true, reason: "Upgrading Postgres" });
    expect(await as(analyst).queue.maintenance()).toMatchObject({ on: true, reason: "Upgrading Postgres" });
    const waiting = await enqueueJob({ task: "ping", payload: {}, priority: "emergency" }, SYSTEM);
    await waitStatus(running.id, "succeeded");
    await new Promise((r) => setTimeout(r, 2000));
    expect(await status(waiting.id)).toBe("queued");
    await as(admin).queue.setMaintenance({ on: false });
    expect((await as(analyst).queue.maintenance()).on).toBe(false);
    await waitStatus(waiting.id, "succeeded");
  });
});

describe("drain forecast", () => {
  it("says a backlog that nothing finishes is not draining, and a finished one is empty", async () => {
    await enqueuePings({ count: 30, priority: "high" }, SYSTEM);
    const before = await as(operator).queue.forecast({ windowMinutes: 5 });
    const high = before.priorities.find((p) => p.priority === "high")!;
    expect(high).toMatchObject({ backlog: 30, finishedPerMinute: 0, growing: true, drainSeconds: null });
    worker = await startWorker({ pool: pool(), concurrency: 4, version: "test" });
    await vi.waitFor(
      async () =>
        expect(
          (await as(operator).queue.forecast({})).priorities.find((p) => p.priority === "high")?.backlog,
        ).toBe(0),
      { timeout: 20_000, interval: 200 },
    );
    const after = (await as(operator).queue.forecast({ windowMinutes: 5 })).priorities.find(
      (p) => p.priority === "high",
    )!;
    expect(after).toMatchObject({ backlog: 0, drainSeconds: 0, growing: false });
    expect(after.finishedPerMinute).toBe(6);
  });
});
