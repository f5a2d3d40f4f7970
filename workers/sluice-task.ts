import type { JobHelpers, Task } from "graphile-worker";
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

/**
 * Wraps a task body with what every Sluice task does: validate the payload against the one schema
 * the enqueuer used, mark the Sluice job running, then succeeded (with the body's counts) or failed.
 * A failure is final only on the last attempt; before that Graphile Worker retries with backoff.
 */
export function sluiceTask<T extends TaskName>(name: T, body: SluiceTaskBody<T>) {
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
      await helpers.withPgClient((c) => markJobRunning(c, payload.jobId, ctx.workerProcessId));
      try {
        const counts = await body(payload, helpers, ctx);
        await helpers.withPgClient(async (c) => {
          await markJobSucceeded(c, payload.jobId, counts ?? {});
          await recordJobOutcome(c, ctx.workerProcessId, true);
        });
      } catch (err) {
        const final = helpers.job.attempts >= helpers.job.max_attempts;
        await helpers.withPgClient(async (c) => {
          await markJobFailed(c, payload.jobId, errorMessage(err), final);
          await recordJobOutcome(c, ctx.workerProcessId, false);
        });
        throw err;
      }
    };
  };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
