import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/auth/actor";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { cancelJob, retryJob } from "@/queue/actions";
import { isTaskName } from "@/queue/tasks";
import { createCaller } from "@/server/api/root";
import * as runRoute from "../../app/api/v1/schedules/[name]/run/route";
import * as listRoute from "../../app/api/v1/schedules/route";
import { makeApiKey, makeUser, setUpTestDatabase } from "../../test/database";
import { type SluiceWorker, startWorker } from "../../workers/worker";
import type { RunStep } from "./chain";
import { DEFAULT_SCHEDULES, seedDefaultSchedules } from "./defaults";
import { createSchedule, getSchedule, runScheduleNow, updateSchedule } from "./schedules";
import { fireDueSchedules } from "./tick";

setUpTestDatabase();

const as = (actor: Actor | null) => createCaller({ actor });
// A cron that never comes round during a test: firings happen only when a test makes them due.
const YEARLY = "0 0 1 1 *";

let workers: SluiceWorker[] = [];
let admin: Actor;
let operator: Actor;
let analyst: Actor;
beforeAll(async () => {
  // Two real workers, both running the crontab tick.
  workers = [
    await startWorker({ pool: pool(), concurrency: 2, version: "test" }),
    await startWorker({ pool: pool(), concurrency: 2, version: "test" }),
  ];
  admin = (await makeUser({ role: "admin" })).actor;
  operator = (await makeUser({ role: "operator" })).actor;
  analyst = (await makeUser({ role: "analyst" })).actor;
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
});

async function makeDue(name: string) {
  await pool().query("UPDATE app.schedules SET next_fire_at = now() - interval '1 minute' WHERE name = $1", [
    name,
  ]);
}

async function runsOf(name: string) {
  const { rows } = await pool().query<{
    id: string;
    status: string;
    steps: RunStep[];
    error: string | null;
    trigger: string;
  }>(
    `SELECT r.* FROM app.schedule_runs r JOIN app.schedules s ON s.id = r.schedule_id WHERE s.name = $1 ORDER BY fired_at`,
    [name],
  );
  return rows;
}

function waitForRun(name: string, status: string, timeout = 20_000) {
  return vi.waitFor(
    async () => {
      const runs = await runsOf(name);
      expect(runs.at(-1)?.status).toBe(status);
      return runs.at(-1)!;
    },
    { timeout, interval: 100 },
  );
}

describe("creating schedules", () => {
  it("refuses a task this build does not have, naming the tasks it does", async () => {
    await expect(
      createSchedule({ name: "nightly", cron: "0 4 * * *", task: "backup_everything" }, admin),
    ).rejects.toThrow(/task: there is no task "backup_everything" in this Sluice; known tasks: ping, /);
    await expect(
      createSchedule(
        { name: "chained", cron: "0 4 * * *", task: "ping", steps: [{ task: "nope", payload: {} }] },
        admin,
      ),
    ).rejects.toThrow(/steps\[0\]: there is no task "nope"/);
  });

  it("refuses a cron expression that is not five valid UTC fields, saying why", async () => {
    await expect(createSchedule({ name: "four", cron: "* * * *", task: "ping" }, admin)).rejects.toThrow(
      /cron: "\* \* \* \*" has 4 fields; a schedule needs 5/,
    );
    await expect(
      createSchedule({ name: "sixty-one", cron: "61 * * * *", task: "ping" }, admin),
    ).rejects.toThrow(/cron: "61 \* \* \* \*" is not a valid expression: .*0-59/);
    await expect(as(admin).schedules.update({ name: "nope", cron: "0 25 * * *" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("refuses a payload that does not fit the task", async () => {
    await expect(
      createSchedule({ name: "bad-payload", cron: YEARLY, task: "ping", payload: { holdMs: "soon" } }, admin),
    ).rejects.toThrow(/the payload does not fit task "ping": holdMs:/);
  });

  it("seeds the defaults whose tasks exist in this build, once, keeping an admin's changes", async () => {
    const names = (await as(operator).schedules.list()).map((s) => s.name);
    for (const d of DEFAULT_SCHEDULES) expect(names.includes(d.name)).toBe(isTaskName(d.task));
    await updateSchedule({ name: "schedule-history-prune", cron: "45 2 * * *" }, admin);
    expect(await seedDefaultSchedules(pool())).toEqual([]);
    const kept = await getSchedule("schedule-history-prune");
    expect(kept).toMatchObject({ cron: "45 2 * * *", system: true, cronText: "At 02:45 (UTC)" });
    // A task that exists only once another part of Sluice is merged is skipped until then.
    await pool().query("DELETE FROM app.schedules WHERE name = 'schedule-history-prune'");
    expect(await seedDefaultSchedules(pool(), (t) => t === "backup")).toEqual([]);
    expect(await seedDefaultSchedules(pool())).toEqual(["schedule-history-prune"]);
  });
});

describe("firing", () => {
  it("fires a due schedule exactly once while two workers tick and ten callers race", async () => {
    await createSchedule({ name: "once", cron: YEARLY, task: "ping", payload: { message: "once" } }, admin);
    await makeDue("once");
    // Ticks on both workers (as the crontab queues them) and direct calls, all at once.
    await pool().query(
      "SELECT graphile_worker.add_job('schedule_tick', '{}'::json) FROM generate_series(1, 6)",
    );
    const results = await Promise.all(Array.from({ length: 10 }, () => fireDueSchedules(pool())));
    const run = await waitForRun("once", "succeeded");

    expect((await runsOf("once")).length).toBe(1);
    const firedHere = results.flatMap((r) => r.fired.filter((f) => f.schedule === "once"));
    expect(firedHere.length).toBeLessThanOrEqual(1);
    const { rows } = await pool().query(
      "SELECT count(*)::int AS n FROM app.jobs WHERE type = 'ping' AND payload->>'message' = 'once'",
    );
    expect(rows[0].n).toBe(1);
    expect(run.steps).toMatchObject([{ task: "ping", status: "succeeded", step: 0 }]);
    const s = await getSchedule("once");
    expect(s.lastOutcome).toBe("succeeded");
    expect(new Date(s.nextFireAt!).getTime()).toBeGreaterThan(Date.now());
  });

  it("is fired by the workers' own crontab tick at the next minute", { timeout: 90_000 }, async () => {
    await createSchedule(
      { name: "every-minute", cron: "* * * * *", task: "ping", payload: { message: "cron" } },
      admin,
    );
    const run = await waitForRun("every-minute", "succeeded", 80_000);
    expect(run.trigger).toBe("cron");
    // Fired at a whole minute, as the cron says.
    const { rows } = await pool().query<{ fired_at: Date }>(
      "SELECT fired_at FROM app.schedule_runs WHERE id = $1",
      [run.id],
    );
    expect(rows[0]!.fired_at.getUTCSeconds()).toBe(0);
    await updateSchedule({ name: "every-minute", enabled: false }, admin);
  });

  it("does not fire a disabled schedule", async () => {
    await createSchedule({ name: "off", cron: YEARLY, task: "ping", enabled: false }, admin);
    await makeDue("off");
    const { fired } = await fireDueSchedules(pool());
    expect(fired.map((f) => f.schedule)).not.toContain("off");
    expect(await runsOf("off")).toEqual([]);
  });

  it("runs a chain's steps in order, each after the previous one succeeded", async () => {
    await createSchedule(
      {
        name: "chain-ok",
        cron: YEARLY,
        task: "ping",
        payload: { message: "first", holdMs: 300 },
        steps: [
          { task: "ping", payload: { message: "second" } },
          { task: "ping", payload: { message: "third" } },
        ],
      },
      admin,
    );
    await makeDue("chain-ok");
    await fireDueSchedules(pool());
    const run = await waitForRun("chain-ok", "succeeded");
    expect(run.steps.map((s) => [s.task, s.status, s.step])).toEqual([
      ["ping", "succeeded", 0],
      ["ping", "succeeded", 1],
      ["ping", "succeeded", 2],
    ]);
    const jobs = await db().job.findMany({ where: { id: { in: run.steps.map((s) => s.jobId!) } } });
    const byId = new Map(jobs.map((j) => [j.id, j]));
    const ordered = run.steps.map((s) => byId.get(s.jobId!)!);
    expect(ordered.map((j) => (j.payload as { message: string }).message)).toEqual([
      "first",
      "second",
      "third",
    ]);
    for (let i = 1; i < ordered.length; i++) {
      // Started only once the previous step had finished.
      expect(ordered[i]!.startedAt!.getTime()).toBeGreaterThanOrEqual(ordered[i - 1]!.finishedAt!.getTime());
    }
    const view = await getSchedule("chain-ok");
    expect(view.chain.map((c) => [c.task, c.status])).toEqual([
      ["ping", "succeeded"],
      ["ping", "succeeded"],
      ["ping", "succeeded"],
    ]);
  });

  it("stops a chain at a failed step and records why", async () => {
    const missingBatch = randomUUID();
    await createSchedule(
      {
        name: "chain-fails",
        cron: YEARLY,
        task: "ping",
        steps: [
          { task: "promote_batch", payload: { batchId: missingBatch } },
          { task: "ping", payload: { message: "never" } },
        ],
      },
      admin,
    );
    await makeDue("chain-fails");
    await fireDueSchedules(pool());
    const run = await waitForRun("chain-fails", "failed");
    expect(run.steps.map((s) => [s.task, s.status])).toEqual([
      ["ping", "succeeded"],
      ["promote_batch", "failed"],
    ]);
    expect(run.error).toBe(`Batch ${missingBatch} no longer exists`);
    const { rows } = await pool().query(
      "SELECT count(*)::int AS n FROM app.jobs WHERE type = 'ping' AND payload->>'message' = 'never'",
    );
    expect(rows[0].n).toBe(0);
    const view = await getSchedule("chain-fails");
    expect(view.lastOutcome).toBe("failed");
    expect(view.chain.map((c) => c.status)).toEqual(["succeeded", "failed", null]);
  });
});

describe("a step cancelled and retried", () => {
  it("ends the run cancelled, and goes on with the chain once the retried job succeeds", async () => {
    await createSchedule(
      {
        name: "chain-retry",
        cron: YEARLY,
        task: "ping",
        payload: { message: "slow", holdMs: 1500 },
        steps: [{ task: "ping", payload: { message: "after-retry" } }],
      },
      admin,
    );
    const { jobId } = await runScheduleNow("chain-retry", operator);
    await vi.waitFor(
      async () =>
        expect((await db().job.findUniqueOrThrow({ where: { id: jobId! } })).status).toBe("running"),
      {
        timeout: 10_000,
        interval: 50,
      },
    );
    await cancelJob(jobId!, operator);
    const cancelled = await waitForRun("chain-retry", "cancelled");
    expect(cancelled.steps.map((st) => st.status)).toEqual(["cancelled"]);
    expect((await getSchedule("chain-retry")).lastOutcome).toBe("cancelled");

    await retryJob(jobId!, operator);
    const run = await waitForRun("chain-retry", "succeeded");
    expect(run.id).toBe(cancelled.id);
    expect(run.steps.map((st) => [st.status, st.step])).toEqual([
      ["succeeded", 0],
      ["succeeded", 1],
    ]);
  });
});

describe("run now, enable and disable, and who may", () => {
  it("runs a schedule now for an operator, audited, leaving its next fire alone", async () => {
    await createSchedule({ name: "manual", cron: YEARLY, task: "ping", enabled: false }, admin);
    const before = await getSchedule("manual");
    const nextBefore = (await db().schedule.findUniqueOrThrow({ where: { name: "manual" } })).nextFireAt;
    const started = await runScheduleNow("manual", operator);
    expect(started).toMatchObject({ schedule: "manual", status: "running", jobId: expect.any(String) });
    const run = await waitForRun("manual", "succeeded");
    expect(run.trigger).toBe("manual");
    const audit = await db().auditEvent.findFirst({
      where: { action: "schedule.run", actorId: operator.kind === "user" ? operator.id : "" },
      orderBy: { id: "desc" },
    });
    expect(audit?.details).toMatchObject({ name: "manual", runId: started.runId });
    const after = await db().schedule.findUniqueOrThrow({ where: { name: "manual" } });
    expect(after.nextFireAt?.toISOString()).toBe(nextBefore?.toISOString());
    expect(after.lastFiredAt?.getTime()).toBeGreaterThan(0);
    expect(before.lastOutcome).toBeNull();
    expect((await getSchedule("manual")).lastOutcome).toBe("succeeded");
  });

  it("answers the REST door: list for operators, run now 202, analysts 403", async () => {
    const op = (await makeApiKey("operator")).key;
    const an = (await makeApiKey("analyst")).key;
    const req = (key: string, method = "GET", path = "/api/v1/schedules") =>
      new Request(`http://localhost${path}`, { method, headers: { authorization: `Bearer ${key}` } });

    const list = await listRoute.GET(req(op), { params: Promise.resolve({}) });
    expect(list.status).toBe(200);
    const body = (await list.json()) as { schedules: { name: string; cronText: string }[] };
    expect(body.schedules.find((s) => s.name === "manual")).toMatchObject({
      cronText: "At 00:00, on day 1 of the month, only in January (UTC)",
    });

    const run = await runRoute.POST(req(op, "POST", "/api/v1/schedules/manual/run"), {
      params: Promise.resolve({ name: "manual" }),
    });
    expect(run.status).toBe(202);
    expect(await run.json()).toMatchObject({ runId: expect.any(String), status: "running" });

    const refused = await runRoute.POST(req(an, "POST", "/api/v1/schedules/manual/run"), {
      params: Promise.resolve({ name: "manual" }),
    });
    expect(refused.status).toBe(403);
    expect((await listRoute.GET(req(an), { params: Promise.resolve({}) })).status).toBe(403);
    const missing = await runRoute.POST(req(op, "POST", "/api/v1/schedules/nothing/run"), {
      params: Promise.resolve({ name: "nothing" }),
    });
    expect(missing.status).toBe(404);
  });

  it("lets admins disable, enable and re-time (audited), and no one else", async () => {
    await expect(as(analyst).schedules.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(as(analyst).schedules.runNow({ name: "manual" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(as(operator).schedules.update({ name: "manual", enabled: true })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      as(operator).schedules.create({ name: "sneaky", cron: YEARLY, task: "ping" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(as(null).schedules.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });

    const enabled = await as(admin).schedules.update({ name: "manual", enabled: true });
    expect(enabled.enabled).toBe(true);
    expect(new Date(enabled.nextFireAt!).getTime()).toBeGreaterThan(Date.now());
    const retimed = await as(admin).schedules.update({ name: "manual", cron: "*/15 * * * *" });
    expect(retimed).toMatchObject({ cron: "*/15 * * * *", cronText: "Every 15 minutes (UTC)" });
    expect(new Date(retimed.nextFireAt!).getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    await as(admin).schedules.update({ name: "manual", enabled: false });

    const actions = (
      await db().auditEvent.findMany({
        where: { targetType: "schedule", action: { startsWith: "schedule." } },
        orderBy: { id: "asc" },
      })
    ).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(["schedule.enable", "schedule.update", "schedule.disable"]),
    );
    await expect(as(admin).schedules.delete({ name: "schedule-history-prune" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });
});
