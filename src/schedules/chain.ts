import type pg from "pg";
import { SYSTEM } from "@/auth/actor";
import { enqueueJobOn } from "@/queue/job-insert";
import type { Priority } from "@/queue/priorities";
import { isTaskName } from "@/queue/tasks";

/**
 * A schedule's chain: its task, then its follow-up steps, each started only when the previous
 * step's job succeeded. The run row records each step's job and outcome and the job the chain
 * waits on; the job's success (marked in the same transaction as this) starts the next step.
 *
 * What a step's job reports (its counts) steers the chain:
 * - `handOff: <job id>`: the step started another job that carries on (a pull submits an ingest);
 *   the chain waits on that job as a step of its own;
 * - `stopChain: <reason>`: nothing to do further (a pull found the content unchanged): the run
 *   ends `skipped`;
 * - other scalar fields (e.g. `batchId`) join the run's context and fill later steps' payloads.
 */
type Queryable = Pick<pg.ClientBase, "query">;

export type RunStatus = "running" | "succeeded" | "failed" | "skipped" | "cancelled";
export type StepStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface RunStep {
  task: string;
  jobId: string | null;
  status: StepStatus;
  /** Index in the schedule's chain (0: its task); null for a job a step handed off to. */
  step: number | null;
  error?: string;
}

export interface ChainStepDefinition {
  task: string;
  payload: Record<string, unknown>;
}

export interface FiringSchedule {
  id: string;
  name: string;
  task: string;
  payload: Record<string, unknown>;
  steps: ChainStepDefinition[];
  priority: Priority;
}

export type JobOutcome =
  | { status: "succeeded"; counts: Record<string, unknown> }
  | { status: "failed" | "cancelled"; error: string | null };

/** The chain's steps in order: the task, then the follow-ups. */
function chainOf(s: Pick<FiringSchedule, "task" | "payload" | "steps">): ChainStepDefinition[] {
  return [{ task: s.task, payload: s.payload }, ...s.steps];
}

async function enqueueStep(
  client: Queryable,
  schedule: FiringSchedule,
  index: number,
  context: Record<string, unknown>,
): Promise<RunStep> {
  const def = chainOf(schedule)[index]!;
  if (!isTaskName(def.task)) {
    throw new Error(`Task "${def.task}" does not exist in this version of Sluice`);
  }
  const job = await enqueueJobOn(
    client,
    { task: def.task, payload: { ...context, ...def.payload }, priority: schedule.priority },
    SYSTEM,
  );
  return { task: def.task, jobId: job.id, status: "queued", step: index };
}

/**
 * Records one firing and queues the chain's first step, in the caller's transaction. The run is
 * unique per (schedule, fire time): a second attempt to fire the same time returns null and
 * queues nothing. A first step that cannot be queued (its payload no longer fits the task) is
 * recorded as a failed run rather than thrown, so one broken schedule never blocks the others.
 */
export async function startRun(
  client: Queryable,
  schedule: FiringSchedule,
  opts: { firedAt: Date; trigger: "cron" | "manual"; triggeredBy: string },
): Promise<{ runId: string; jobId: string | null; status: RunStatus } | null> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO app.schedule_runs (schedule_id, fired_at, trigger, triggered_by)
     VALUES ($1, $2, $3, $4) ON CONFLICT (schedule_id, fired_at) DO NOTHING RETURNING id`,
    [schedule.id, opts.firedAt, opts.trigger, opts.triggeredBy],
  );
  const runId = rows[0]?.id;
  if (!runId) return null;
  await client.query("SAVEPOINT start_run");
  let step: RunStep;
  try {
    step = await enqueueStep(client, schedule, 0, {});
    await client.query("RELEASE SAVEPOINT start_run");
  } catch (err) {
    await client.query("ROLLBACK TO SAVEPOINT start_run");
    const error = err instanceof Error ? err.message : String(err);
    const failed: RunStep = { task: schedule.task, jobId: null, status: "failed", step: 0, error };
    await finishRun(client, runId, schedule.id, "failed", [failed], error);
    await client.query("UPDATE app.schedules SET last_fired_at = $2 WHERE id = $1", [
      schedule.id,
      opts.firedAt,
    ]);
    return { runId, jobId: null, status: "failed" };
  }
  await client.query(`UPDATE app.schedule_runs SET steps = $2, waiting_job_id = $3 WHERE id = $1`, [
    runId,
    JSON.stringify([step]),
    step.jobId,
  ]);
  await client.query(`UPDATE app.schedules SET last_fired_at = $2, last_outcome = 'running' WHERE id = $1`, [
    schedule.id,
    opts.firedAt,
  ]);
  return { runId, jobId: step.jobId, status: "running" };
}

async function finishRun(
  client: Queryable,
  runId: string,
  scheduleId: string,
  status: Exclude<RunStatus, "running">,
  steps: RunStep[],
  error: string | null,
): Promise<void> {
  await client.query(
    `UPDATE app.schedule_runs SET status = $2, steps = $3, error = $4, finished_at = clock_timestamp()
     WHERE id = $1`,
    [runId, status, JSON.stringify(steps), error],
  );
  // The schedule shows its latest run's outcome; an older run finishing late does not overwrite it.
  await client.query(
    `UPDATE app.schedules s SET last_outcome = $2 WHERE s.id = $1
       AND NOT EXISTS (SELECT 1 FROM app.schedule_runs r WHERE r.schedule_id = s.id
                       AND r.fired_at > (SELECT fired_at FROM app.schedule_runs WHERE id = $3))`,
    [scheduleId, status, runId],
  );
}

interface WaitingRun {
  id: string;
  schedule_id: string;
  steps: RunStep[];
  context: Record<string, unknown>;
  name: string;
  task: string;
  payload: Record<string, unknown>;
  chain: ChainStepDefinition[];
  priority: Priority;
}

/**
 * Called where Sluice marks a job finished (src/queue/jobs.ts), in that transaction: moves the
 * chain waiting on the job along. A job no run waits on costs one indexed lookup.
 */
export async function afterJobFinished(client: Queryable, jobId: string, outcome: JobOutcome): Promise<void> {
  const { rows } = await client.query<WaitingRun>(
    `SELECT r.id, r.schedule_id, r.steps, r.context, s.name, s.task, s.payload, s.steps AS chain, s.priority
     FROM app.schedule_runs r JOIN app.schedules s ON s.id = r.schedule_id
     WHERE r.waiting_job_id = $1 FOR UPDATE OF r`,
    [jobId],
  );
  for (const run of rows) await advance(client, run, jobId, outcome);
}

async function advance(client: Queryable, run: WaitingRun, jobId: string, outcome: JobOutcome) {
  const schedule: FiringSchedule = {
    id: run.schedule_id,
    name: run.name,
    task: run.task,
    payload: run.payload,
    steps: run.chain,
    priority: run.priority,
  };
  const steps = run.steps.map((s) => ({ ...s }));
  const current = steps.findLast((s) => s.jobId === jobId);
  if (!current) return;

  if (outcome.status !== "succeeded") {
    current.status = outcome.status;
    if (outcome.error) current.error = outcome.error.slice(0, 2000);
    // The run keeps waiting on the job: if an operator retries it and it succeeds, the chain goes on.
    await finishRun(client, run.id, run.schedule_id, outcome.status, steps, outcome.error);
    return;
  }
  current.status = "succeeded";
  delete current.error;
  const counts = outcome.counts;
  const context = { ...run.context };
  for (const [k, v] of Object.entries(counts)) {
    if (k !== "handOff" && k !== "stopChain" && ["string", "number", "boolean"].includes(typeof v)) {
      context[k] = v;
    }
  }

  if (typeof counts.handOff === "string") {
    const next = counts.handOff;
    // Locks the job row: its own success either committed already (seen here) or waits for this
    // transaction and then finds the run waiting on it.
    const { rows } = await client.query<{
      type: string;
      status: string;
      error: string | null;
      counts: object;
    }>("SELECT type, status, error, counts FROM app.jobs WHERE id = $1 FOR UPDATE", [next]);
    const job = rows[0];
    steps.push({ task: job?.type ?? "job", jobId: next, status: "queued", step: null });
    await client.query(
      "UPDATE app.schedule_runs SET status = 'running', steps = $2, context = $3, waiting_job_id = $4, error = NULL, finished_at = NULL WHERE id = $1",
      [run.id, JSON.stringify(steps), JSON.stringify(context), next],
    );
    const handed = { ...run, steps, context };
    if (!job) {
      await advance(client, handed, next, { status: "failed", error: `Job ${next} does not exist` });
    } else if (job.status === "succeeded") {
      await advance(client, handed, next, {
        status: "succeeded",
        counts: job.counts as Record<string, unknown>,
      });
    } else if (job.status === "failed" || job.status === "cancelled") {
      await advance(client, handed, next, { status: job.status, error: job.error });
    }
    return;
  }
  if (typeof counts.stopChain === "string") {
    await finishRun(client, run.id, run.schedule_id, "skipped", steps, counts.stopChain);
    return;
  }

  const nextIndex = Math.max(...steps.map((s) => s.step ?? -1)) + 1;
  if (nextIndex >= chainOf(schedule).length) {
    await client.query("UPDATE app.schedule_runs SET context = $2, waiting_job_id = NULL WHERE id = $1", [
      run.id,
      JSON.stringify(context),
    ]);
    await finishRun(client, run.id, run.schedule_id, "succeeded", steps, null);
    return;
  }
  await client.query("SAVEPOINT chain_step");
  try {
    const step = await enqueueStep(client, schedule, nextIndex, context);
    await client.query("RELEASE SAVEPOINT chain_step");
    steps.push(step);
    await client.query(
      "UPDATE app.schedule_runs SET status = 'running', steps = $2, context = $3, waiting_job_id = $4, error = NULL, finished_at = NULL WHERE id = $1",
      [run.id, JSON.stringify(steps), JSON.stringify(context), step.jobId],
    );
    await client.query("UPDATE app.schedules SET last_outcome = 'running' WHERE id = $1", [run.schedule_id]);
  } catch (err) {
    await client.query("ROLLBACK TO SAVEPOINT chain_step");
    const error = err instanceof Error ? err.message : String(err);
    const task = chainOf(schedule)[nextIndex]!.task;
    steps.push({ task, jobId: null, status: "failed", step: nextIndex, error });
    await client.query("UPDATE app.schedule_runs SET waiting_job_id = NULL WHERE id = $1", [run.id]);
    await finishRun(client, run.id, run.schedule_id, "failed", steps, `${task}: ${error}`);
  }
}
