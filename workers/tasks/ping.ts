import { setTimeout as sleep } from "node:timers/promises";
import { PermanentJobError } from "@/queue/errors";
import { sluiceTask } from "../sluice-task";

/**
 * Answers with the worker that ran it and how long the job waited in the queue. With `holdMs` it
 * keeps a worker busy that long first (stopping early on shutdown): a harmless way to see a running
 * job in the console, or to check what happens when its worker dies.
 */
export const ping = sluiceTask("ping", async (payload, helpers, ctx) => {
  const waitedMs = Date.now() - new Date(helpers.job.run_at).getTime();
  if (payload.message) await ctx.log(payload.message);
  if (payload.holdMs)
    await sleep(payload.holdMs, undefined, { signal: helpers.abortSignal }).catch(() => undefined);
  if (payload.failWith) throw new PermanentJobError(payload.failWith);
  return { workerProcessId: ctx.workerProcessId, waitedMs };
});
