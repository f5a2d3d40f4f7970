import type { JobHelpers, Task } from "graphile-worker";
import { PermanentJobError } from "@/queue/errors";
import { markJobFailed, markJobRunning, markJobSucceeded } from "@/queue/jobs";
import { type TaskName, type TaskPayload, taskPayloads } from "@/queue/tasks";
import { recordJobOutcome } from "@/queue/worker-registry";

export interface WorkerContext {
  /** This process's id in app.worker_processes. */
  workerProcessId: string;
}

export type SluiceTaskBody<T extends TaskName> = (
  payload: TaskPayload<T>,
  helpers: JobHelpers,
  ctx: WorkerContext,
) => Promise<object | undefined>;

export interface SluiceTaskOptions<T extends TaskName> {
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
export function sluiceTask<T extends TaskName>(
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
            markJobFailed(c, jobId, `Invalid payload: ${parsed.error.message}`, true),
          );
        }
        return;
      }
      const payload = parsed.data as TaskPayload<T>;
      // A task fired by a crontab (not queued as a Sluice job) has no job to keep in step.
      const jobId: string | undefined = payload.jobId;
      if (lifecycle === "job" && jobId)
        await helpers.withPgClient((c) => markJobRunning(c, jobId, ctx.workerProcessId));
      try {
        const counts = await body(payload, helpers, ctx);
        await helpers.withPgClient(async (c) => {
          if (lifecycle === "job" && jobId) await markJobSucceeded(c, jobId, counts ?? {});
          await recordJobOutcome(c, ctx.workerProcessId, true);
        });
      } catch (err) {
        const permanent = err instanceof PermanentJobError;
        const final = permanent || helpers.job.attempts >= helpers.job.max_attempts;
        const message = err instanceof Error ? err.message : String(err);
        if (final && opts.onFailure) await opts.onFailure(payload, message, helpers);
        await helpers.withPgClient(async (c) => {
          if (lifecycle !== "follow-up" && jobId && !(final && opts.onFailure)) {
            await markJobFailed(c, jobId, message, final);
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
