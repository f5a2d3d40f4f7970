import { setTimeout as sleep } from "node:timers/promises";
import type { Task } from "graphile-worker";
import { SYSTEM } from "@/auth/actor";
import { getDataset } from "@/datasets/registry";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { promoteBatch } from "@/promotion/promote";
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

/** A chain step after ingest: only when the dataset allows it and the batch passed its quality gate. */
export const promoteBatchTask = sluiceTask("promote_batch", async (p, helpers) => {
  const load = () =>
    db().batch.findUnique({ where: { id: p.batchId }, include: { dataset: true, qualityReport: true } });
  let batch = await load();
  // The report is computed just after staging (a follow-up task): give it a few seconds.
  for (let i = 0; i < 25 && batch && !batch.qualityReport && !helpers.abortSignal?.aborted; i++) {
    await sleep(200);
    batch = await load();
  }
  if (!batch) throw new PermanentJobError(`Batch ${p.batchId} no longer exists`);
  const { definition } = await getDataset(batch.dataset.name);
  if (!definition.promotion?.auto) {
    throw new PermanentJobError(`Dataset "${batch.dataset.name}" does not allow automatic promotion`);
  }
  // Still not there: retry with backoff.
  if (!batch.qualityReport) throw new Error(`The quality report of batch ${p.batchId} is not ready yet`);
  if (!batch.qualityReport.passed) {
    throw new PermanentJobError(
      `Batch ${p.batchId} scored ${batch.qualityReport.overall.toFixed(1)}, below the dataset's minimum of ${batch.qualityReport.minScore}; not promoted automatically`,
    );
  }
  const result = await promoteBatch(p.batchId, SYSTEM, { auto: true });
  return { ...result };
});

export const scheduleHistoryPrune = sluiceTask("schedule_history_prune", async (p) =>
  pruneScheduleHistory(pool(), p.days),
);
