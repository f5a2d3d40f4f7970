import { sluiceTask } from "../sluice-task";

/** Answers with the worker that ran it and how long the job waited in the queue. */
export const ping = sluiceTask("ping", async (_payload, helpers, ctx) => {
  const waitedMs = Date.now() - new Date(helpers.job.run_at).getTime();
  return { workerProcessId: ctx.workerProcessId, waitedMs };
});
