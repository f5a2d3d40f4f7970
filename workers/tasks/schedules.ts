import { setTimeout as sleep } from "node:timers/promises";
import type { Task } from "graphile-worker";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { autoPromoteBatch } from "@/promotion/auto";
import { PermanentJobError } from "@/queue/errors";
import { pruneScheduleHistory } from "@/schedules/history";
import { runPull } from "@/schedules/pull";
import { fireDueSchedules } from "@/schedules/tick";
import type { WorkerContext } from "../sluice-task";
import { sluiceTask } from "../sluice-task";

/**
 * The crontab's one item, every minute: fires due schedules. Not a Sluice job (it would add a job
 * a minute to the console); what it fires is.
 */
export const scheduleTick = (_ctx: WorkerContext): Task => {
  return async (_payload, helpers) => {
    const { fired } = await fireDueSchedules(pool());
    for (const f of fired) helpers.logger.debug(`schedule ${f.schedule} fired (run ${f.runId})`);
  };
};

export const pullSource = sluiceTask("pull_source", async (p) => runPull(p.pullSourceId, p.jobId));

/**
 * A chain step after ingest: the batch goes to production through auto-promotion's one rule (the
 * dataset opts in, the quality gate passed). The `auto_promote` follow-up of the quality report may
 * have promoted it already; that is this step's success too.
 */
export const promoteBatchTask = sluiceTask("promote_batch", async (p, helpers) => {
  const report = () =>
    db().qualityReport.findUnique({ where: { batchId: p.batchId }, select: { batchId: true } });
  // The report is computed just after staging (a follow-up task): give it a few seconds.
  for (let i = 0; i < 25 && !(await report()) && !helpers.abortSignal?.aborted; i++) await sleep(200);
  if (!(await db().batch.findUnique({ where: { id: p.batchId }, select: { id: true } }))) {
    throw new PermanentJobError(`Batch ${p.batchId} no longer exists`);
  }
  // Still not there: retry with backoff.
  if (!(await report())) throw new Error(`The quality report of batch ${p.batchId} is not ready yet`);
  const outcome = await autoPromoteBatch(p.batchId);
  if (outcome.promoted) return { ...outcome.result };
  const applied = await db().promotion.findFirst({
    where: { batchId: p.batchId, status: "applied" },
    select: { id: true },
  });
  if (applied) return { promotionId: applied.id };
  throw new PermanentJobError(`Batch ${p.batchId} was not promoted: ${outcome.reason}`);
});

export const scheduleHistoryPrune = sluiceTask("schedule_history_prune", async (p) =>
  pruneScheduleHistory(pool(), p.days),
);
