import { recordAudit } from "@/audit/audit";
import type { Actor } from "@/auth/actor";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { withTransaction } from "@/db/transaction";
import { cancelIngest, resetIngest } from "@/ingest/pipeline";
import { AppError } from "@/server/errors";
import { publishLive } from "@/server/live";
import { type JobView, jobView } from "./job-view";
import { markJobCancelled, taskKey } from "./jobs";
import { GRAPHILE_PRIORITY, type Priority } from "./priorities";

/**
 * What operators do to a job (REST and tRPC call these): cancel and retry. Graphile Worker is
 * steered only through its public surface (the `jobs` view, `add_job`, `complete_jobs`,
 * `remove_job`); Sluice's own job and batch records follow in the same transaction.
 */

/**
 * Cancels a queued or running job. Waiting work is removed at once; a running load stops at its
 * next chunk boundary (a chunk in flight commits nothing once its batch is cancelled) and whatever
 * it staged is removed, so nothing of a cancelled batch is ever visible.
 */
export async function cancelJob(jobId: string, actor: Actor): Promise<JobView> {
  const job = await db().job.findUnique({ where: { id: jobId }, include: { batch: true } });
  if (!job) throw new AppError("NOT_FOUND", `No job ${jobId}`);
  if (job.status !== "queued" && job.status !== "running") {
    throw new AppError(
      "CONFLICT",
      `Job ${jobId} is ${job.status}; only a queued or running job can be cancelled`,
    );
  }
  if (job.batch) {
    await cancelIngest(pool(), { jobId, batchId: job.batch.id });
  }
  await withTransaction(pool(), async (client) => {
    // Removed if waiting; if running, Graphile keeps it until it ends but will not retry it.
    await client.query("SELECT graphile_worker.remove_job($1)", [taskKey(jobId)]);
    await markJobCancelled(client, jobId);
    await recordAudit(actor, "job.cancel", { type: "job", id: jobId }, { was: job.status }, client);
  });
  return jobView(jobId);
}

/**
 * Runs a failed or cancelled job again from the start, at its priority: the same task with the
 * same payload. A load's batch is emptied and loads afresh (nothing of the earlier try remains).
 */
export async function retryJob(jobId: string, actor: Actor): Promise<JobView> {
  const job = await db().job.findUnique({ where: { id: jobId }, include: { batch: true } });
  if (!job) throw new AppError("NOT_FOUND", `No job ${jobId}`);
  if (job.status !== "failed" && job.status !== "cancelled") {
    throw new AppError(
      "CONFLICT",
      `Job ${jobId} is ${job.status}; only a failed or cancelled job can be retried`,
    );
  }
  await withTransaction(pool(), async (client) => {
    const { rowCount } = await client.query(
      `UPDATE app.jobs SET status = 'queued', error = NULL, progress = 0, started_at = NULL, finished_at = NULL,
         counts = '{}' WHERE id = $1 AND status IN ('failed', 'cancelled')`,
      [jobId],
    );
    if (!rowCount) throw new AppError("CONFLICT", `Job ${jobId} changed meanwhile; look again`);
    if (job.batch) await resetIngest(client, job.batch.id);
    await client.query("SELECT graphile_worker.add_job($1, $2::json, priority => $3::int, job_key => $4)", [
      job.type,
      JSON.stringify(job.payload),
      GRAPHILE_PRIORITY[job.priority as Priority],
      taskKey(jobId),
    ]);
    await publishLive({ type: "job", jobId, status: "queued" }, client);
    await recordAudit(actor, "job.retry", { type: "job", id: jobId }, { was: job.status }, client);
  });
  return jobView(jobId);
}
