import type { JobHelpers, Task } from "graphile-worker";
import type { PoolClient } from "pg";
import { PermanentJobError } from "@/queue/errors";
import { appendJobLog, recordAttempt } from "@/queue/job-detail";
import { markJobFailed, markJobRunning, markJobSucceeded } from "@/queue/jobs";
import { type TaskName, type TaskPayload, taskPayloads } from "@/queue/tasks";
import { recordJobOutcome } from "@/queue/worker-registry";

/** Tasks whose payload always names its Sluice job (schedule-fired tasks may not, and wrap themselves). */
type JobTaskName = { [K in TaskName]: TaskPayload<K> extends { jobId: string } ? K : never }[TaskName];

export interface WorkerContext {
  /** This process's id in app.worker_processes. */
  workerProcessId: string;
}

/** What a task body gets besides its payload: the worker, and a log of lines the job page shows. */
export interface TaskContext extends WorkerContext {
  log(message: string, level?: "info" | "warn" | "error"): Promise<void>;
}

export type SluiceTaskBody<T extends JobTaskName> = (
  payload: TaskPayload<T>,
  helpers: JobHelpers,
  ctx: TaskContext,
) => Promise<object | undefined>;

export interface SluiceTaskOptions<T extends JobTaskName> {
  /**
   * `job`: this task is the whole Sluice job (marked running, then succeeded with the body's counts).
   * `step`: one step of a longer job (e.g. one chunk of an upload); the steps themselves move the
   * job along, and the wrapper only reports failures.
   * `follow-up`: work after the job has succeeded (e.g. its quality report): never changes the
   * job's status; failures are retried and logged.
   */
  lifecycle?: "job" | "step" | "follow-up";
  /** Clean-up when the job fails for good (e.g. remove a half-loaded batch). */
  onFailure?: (payload: TaskPayload<T>, message: string, helpers: JobHelpers) => Promise<void>;
}

/**
 * Wraps a task body with what every Sluice task does: validate the payload against the one schema
 * the enqueuer used, keep the Sluice job's status in step, and tell permanent failures (fail the
 * job now, no retry) from transient ones (Graphile Worker retries with backoff; the last attempt
 * fails the job).
 */
export function sluiceTask<T extends JobTaskName>(
  name: T,
  body: SluiceTaskBody<T>,
  opts: SluiceTaskOptions<T> = {},
) {
  const lifecycle = opts.lifecycle ?? "job";
  return (ctx: WorkerContext): Task => {
    return async (rawPayload, helpers) => {
      const parsed = taskPayloads[name].safeParse(rawPayload);
      if (!parsed.success) {
        // A malformed payload will not get better on retry: fail for good, loudly.
        helpers.logger.error(`${name}: invalid payload: ${parsed.error.message}`);
        const jobId = (rawPayload as { jobId?: unknown })?.jobId;
        if (typeof jobId === "string") {
          await helpers.withPgClient((c) =>
            inTransaction(c, () => markJobFailed(c, jobId, `Invalid payload: ${parsed.error.message}`, true)),
          );
        }
        return;
      }
      const payload = parsed.data as TaskPayload<T>;
      const startedAt = new Date();
      const attempt = {
        jobId: payload.jobId,
        task: name,
        attempt: helpers.job.attempts,
        workerId: ctx.workerProcessId,
        startedAt,
      };
      const taskCtx: TaskContext = {
        ...ctx,
        log: (message, level) => helpers.withPgClient((c) => appendJobLog(c, payload.jobId, message, level)),
      };
      if (lifecycle === "job")
        await helpers.withPgClient((c) => markJobRunning(c, payload.jobId, ctx.workerProcessId));
      try {
        const counts = await body(payload, helpers, taskCtx);
        await helpers.withPgClient(async (c) => {
          await recordAttempt(c, attempt);
          if (lifecycle === "job")
            await inTransaction(c, () => markJobSucceeded(c, payload.jobId, counts ?? {}));
          await recordJobOutcome(c, ctx.workerProcessId, true);
        });
      } catch (err) {
        const permanent = err instanceof PermanentJobError;
        const final = permanent || helpers.job.attempts >= helpers.job.max_attempts;
        const message = err instanceof Error ? err.message : String(err);
        if (final && opts.onFailure) await opts.onFailure(payload, message, helpers);
        await helpers.withPgClient(async (c) => {
          await recordAttempt(c, {
            ...attempt,
            error: { message, stack: err instanceof Error ? err.stack : undefined },
          });
          if (lifecycle !== "follow-up" && !(final && opts.onFailure)) {
            await inTransaction(c, () => markJobFailed(c, payload.jobId, message, final));
          }
          await recordJobOutcome(c, ctx.workerProcessId, false);
        });
        if (permanent) {
          helpers.logger.error(`${name}: ${message} (permanent; not retried)`);
          return;
        }
        throw err;
      }
    };
  };
}

/** The job's status change and what it starts (a schedule's next step) commit together. */
async function inTransaction(client: PoolClient, fn: () => Promise<void>): Promise<void> {
  await client.query("BEGIN");
  try {
    await fn();
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}
