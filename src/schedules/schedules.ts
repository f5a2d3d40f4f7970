import { z } from "zod";
import { recordAudit } from "@/audit/audit";
import { type Actor, actorLabel } from "@/auth/actor";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { withTransaction } from "@/db/transaction";
import { type Priority, prioritySchema } from "@/queue/priorities";
import { isTaskName, taskPayloads } from "@/queue/tasks";
import { AppError } from "@/server/errors";
import { type ChainStepDefinition, type FiringSchedule, type RunStep, startRun } from "./chain";
import { checkCron, describeCron, nextFireAfter } from "./cron";

/**
 * Schedules: what the console and the REST door call. Reading needs an operator, running now an
 * operator, everything that changes a schedule an admin; each change is audited in its transaction.
 */
export const scheduleNameSchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, "a schedule name is lower-case letters, digits and dashes, from a letter");

const payloadSchema = z.record(z.string(), z.unknown()).default({});

export const chainStepSchema = z.object({ task: z.string().trim().min(1), payload: payloadSchema });

export const createScheduleInput = z.object({
  name: scheduleNameSchema,
  description: z.string().trim().max(500).default(""),
  cron: z.string().max(200),
  task: z.string().trim().min(1),
  payload: payloadSchema,
  steps: z.array(chainStepSchema).max(10).default([]),
  priority: prioritySchema.default("standard"),
  enabled: z.boolean().default(true),
});

export const updateScheduleInput = z.object({
  name: scheduleNameSchema,
  description: z.string().trim().max(500).optional(),
  cron: z.string().max(200).optional(),
  enabled: z.boolean().optional(),
  priority: prioritySchema.optional(),
  steps: z.array(chainStepSchema).max(10).optional(),
});

/** Tasks a schedule does not name itself: a pull source's fetch comes with its source. */
const NOT_SCHEDULABLE = new Set(["pull_source", "ingest", "ingest_chunk", "ingest_finalize"]);

/**
 * A task must exist in this build (another branch's task is refused until it is merged) and its
 * payload must fit the task's schema. The first step's payload must be complete; a later step's
 * may leave out what earlier steps provide (a batch id).
 */
export function checkStep(where: string, task: string, payload: Record<string, unknown>, first: boolean) {
  if (!isTaskName(task)) {
    throw new AppError(
      "BAD_REQUEST",
      `${where}: there is no task "${task}" in this Sluice; known tasks: ${Object.keys(taskPayloads)
        .filter((t) => !NOT_SCHEDULABLE.has(t))
        .join(", ")}`,
    );
  }
  if (first && NOT_SCHEDULABLE.has(task)) {
    throw new AppError(
      "BAD_REQUEST",
      `${where}: "${task}" is not scheduled directly${task === "pull_source" ? "; create a pull source instead" : ""}`,
    );
  }
  const schema = (taskPayloads[task] as z.ZodObject<z.ZodRawShape>).omit({ jobId: true });
  const parsed = (first ? schema.strict() : schema.partial().strict()).safeParse(payload);
  if (!parsed.success) {
    const why = parsed.error.issues
      .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
      .join("; ");
    throw new AppError("BAD_REQUEST", `${where}: the payload does not fit task "${task}": ${why}`);
  }
}

function checkChain(task: string, payload: Record<string, unknown>, steps: ChainStepDefinition[]) {
  checkStep("task", task, payload, true);
  steps.forEach((s, i) => {
    checkStep(`steps[${i}]`, s.task, s.payload, false);
  });
}

export async function createSchedule(input: z.input<typeof createScheduleInput>, actor: Actor) {
  const s = createScheduleInput.parse(input);
  const cron = checkCron(s.cron);
  checkChain(s.task, s.payload, s.steps);
  return withTransaction(pool(), async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO app.schedules (name, description, cron, task, payload, steps, priority, enabled, next_fire_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::app."Priority", $8, $9)
       ON CONFLICT (name) DO NOTHING RETURNING id`,
      [
        s.name,
        s.description,
        cron,
        s.task,
        JSON.stringify(s.payload),
        JSON.stringify(s.steps),
        s.priority,
        s.enabled,
        nextFireAfter(cron, new Date()),
      ],
    );
    if (!rows[0]) throw new AppError("CONFLICT", `A schedule named "${s.name}" exists already`);
    await recordAudit(
      actor,
      "schedule.create",
      { type: "schedule", id: rows[0].id },
      { name: s.name, cron, task: s.task, steps: s.steps.map((x) => x.task) },
      client,
    );
    return rows[0];
  });
}

interface LockedSchedule extends FiringSchedule {
  cron: string;
  enabled: boolean;
  system: boolean;
  description: string;
}

async function lockSchedule(client: import("pg").PoolClient, name: string): Promise<LockedSchedule> {
  const { rows } = await client.query<LockedSchedule>(
    `SELECT id, name, description, cron, task, payload, steps, priority, enabled, system
     FROM app.schedules WHERE name = $1 FOR UPDATE`,
    [scheduleNameSchema.parse(name)],
  );
  if (!rows[0]) throw new AppError("NOT_FOUND", `No schedule named "${name}"`);
  return rows[0];
}

/** Admin: re-time, enable or disable, describe, or change the follow-up steps. */
export async function updateSchedule(input: z.input<typeof updateScheduleInput>, actor: Actor) {
  const u = updateScheduleInput.parse(input);
  const cron = u.cron === undefined ? undefined : checkCron(u.cron);
  await withTransaction(pool(), async (client) => {
    const before = await lockSchedule(client, u.name);
    // The schedule's own task stays; only the follow-ups are checked.
    u.steps?.forEach((st, i) => {
      checkStep(`steps[${i}]`, st.task, st.payload, false);
    });
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const note = (k: keyof LockedSchedule, to: unknown) => {
      if (to !== undefined && JSON.stringify(before[k]) !== JSON.stringify(to)) {
        changes[k] = { from: before[k], to };
      }
    };
    note("cron", cron);
    note("enabled", u.enabled);
    note("description", u.description);
    note("priority", u.priority);
    note("steps", u.steps);
    if (!Object.keys(changes).length) return;
    const nextCron = cron ?? before.cron;
    await client.query(
      `UPDATE app.schedules SET cron = $2, enabled = $3, description = $4, priority = $5::app."Priority",
         steps = $6, updated_at = now(), next_fire_at = CASE WHEN $7 THEN $8 ELSE next_fire_at END
       WHERE id = $1`,
      [
        before.id,
        nextCron,
        u.enabled ?? before.enabled,
        u.description ?? before.description,
        u.priority ?? before.priority,
        JSON.stringify(u.steps ?? before.steps),
        // A new cron, or enabling again, counts from now: no burst of missed firings.
        "cron" in changes || "enabled" in changes,
        nextFireAfter(nextCron, new Date()),
      ],
    );
    const action =
      "enabled" in changes && Object.keys(changes).length === 1
        ? u.enabled
          ? "schedule.enable"
          : "schedule.disable"
        : "schedule.update";
    await recordAudit(
      actor,
      action,
      { type: "schedule", id: before.id },
      JSON.parse(JSON.stringify({ name: before.name, changes })),
      client,
    );
  });
  return getSchedule(u.name);
}

/** Admin: removes a schedule of one's own (with its runs); Sluice's defaults can only be disabled. */
export async function deleteSchedule(name: string, actor: Actor): Promise<void> {
  await withTransaction(pool(), async (client) => {
    const s = await lockSchedule(client, name);
    if (s.system) {
      throw new AppError("CONFLICT", `"${s.name}" is one of Sluice's default schedules; disable it instead`);
    }
    await client.query("DELETE FROM app.schedules WHERE id = $1", [s.id]);
    await recordAudit(
      actor,
      "schedule.delete",
      { type: "schedule", id: s.id },
      { name: s.name, task: s.task },
      client,
    );
  });
}

/** Operator: fires the schedule now (enabled or not), outside its cron; its next fire stays. */
export async function runScheduleNow(name: string, actor: Actor) {
  const started = await withTransaction(pool(), async (client) => {
    const s = await lockSchedule(client, name);
    const { rows } = await client.query<{ now: Date }>("SELECT clock_timestamp() AS now");
    const run = await startRun(client, s, {
      firedAt: rows[0]!.now,
      trigger: "manual",
      triggeredBy: actorLabel(actor),
    });
    await recordAudit(
      actor,
      "schedule.run",
      { type: "schedule", id: s.id },
      { name: s.name, runId: run?.runId ?? null },
      client,
    );
    return run!;
  });
  return { ...started, schedule: name };
}

export type ScheduleRunView = Awaited<ReturnType<typeof listRuns>>[number];

function runView(r: {
  id: string;
  firedAt: Date;
  trigger: string;
  triggeredBy: string;
  status: string;
  steps: unknown;
  error: string | null;
  finishedAt: Date | null;
}) {
  return {
    id: r.id,
    firedAt: r.firedAt.toISOString(),
    trigger: r.trigger,
    triggeredBy: r.triggeredBy,
    status: r.status,
    steps: r.steps as RunStep[],
    error: r.error,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

/** The chain as the page draws it: each task, in order, with the latest run's outcome of it. */
function chainView(
  s: { task: string; steps: unknown },
  last: ReturnType<typeof runView> | undefined,
): {
  position: number;
  task: string;
  status: string | null;
  jobId: string | null;
  error: string | null;
  implicit: boolean;
}[] {
  const defined = [s.task, ...(s.steps as ChainStepDefinition[]).map((x) => x.task)];
  const tasks: { task: string; step: number | null }[] = [];
  defined.forEach((task, i) => {
    tasks.push({ task, step: i });
    // A pull hands its file to an ingest job; the chain waits on that too.
    if (i === 0 && task === "pull_source") tasks.push({ task: "ingest", step: null });
  });
  const handed = last?.steps.filter((x) => x.step === null) ?? [];
  return tasks.map((t, position) => {
    const done = t.step === null ? handed.shift() : last?.steps.find((x) => x.step === t.step);
    return {
      position,
      task: t.task,
      status: done?.status ?? null,
      jobId: done?.jobId ?? null,
      error: done?.error ?? null,
      implicit: t.step === null,
    };
  });
}

const scheduleInclude = {
  runs: { orderBy: { firedAt: "desc" as const }, take: 1 },
  pullSource: { include: { dataset: { select: { name: true, title: true } } } },
};

type ScheduleRow = NonNullable<Awaited<ReturnType<ReturnType<typeof db>["schedule"]["findUnique"]>>>;

function scheduleView(
  s: ScheduleRow & {
    runs: Parameters<typeof runView>[0][];
    pullSource: {
      id: string;
      url: string;
      timeoutMs: number;
      autoPromote: boolean;
      dataset: { name: string; title: string };
    } | null;
  },
) {
  const last = s.runs[0] ? runView(s.runs[0]) : undefined;
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    cron: s.cron,
    cronText: describeCron(s.cron),
    task: s.task,
    payload: s.payload as Record<string, unknown>,
    steps: s.steps as unknown as ChainStepDefinition[],
    priority: s.priority as Priority,
    enabled: s.enabled,
    system: s.system,
    nextFireAt: s.enabled ? (s.nextFireAt?.toISOString() ?? null) : null,
    lastFiredAt: s.lastFiredAt?.toISOString() ?? null,
    lastOutcome: s.lastOutcome,
    lastRun: last ?? null,
    chain: chainView(s, last),
    pullSource: s.pullSource
      ? {
          id: s.pullSource.id,
          url: s.pullSource.url,
          timeoutMs: s.pullSource.timeoutMs,
          autoPromote: s.pullSource.autoPromote,
          dataset: s.pullSource.dataset.name,
          datasetTitle: s.pullSource.dataset.title,
        }
      : null,
  };
}

export type ScheduleView = ReturnType<typeof scheduleView>;

export async function listSchedules(): Promise<ScheduleView[]> {
  const rows = await db().schedule.findMany({
    include: scheduleInclude,
    orderBy: [{ system: "desc" }, { name: "asc" }],
  });
  return rows.map(scheduleView);
}

export async function getSchedule(name: string): Promise<ScheduleView> {
  const s = await db().schedule.findUnique({
    where: { name: scheduleNameSchema.parse(name) },
    include: scheduleInclude,
  });
  if (!s) throw new AppError("NOT_FOUND", `No schedule named "${name}"`);
  return scheduleView(s);
}

export async function listRuns(name: string, limit = 20) {
  const s = await db().schedule.findUnique({
    where: { name: scheduleNameSchema.parse(name) },
    select: { id: true },
  });
  if (!s) throw new AppError("NOT_FOUND", `No schedule named "${name}"`);
  const runs = await db().scheduleRun.findMany({
    where: { scheduleId: s.id },
    orderBy: { firedAt: "desc" },
    take: limit,
  });
  return runs.map(runView);
}

/** The tasks a schedule may name, for the create form. */
export function schedulableTasks(): string[] {
  return Object.keys(taskPayloads).filter((t) => !NOT_SCHEDULABLE.has(t));
}
