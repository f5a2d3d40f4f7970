import type pg from "pg";
import { z } from "zod";
import { recordAudit } from "@/audit/audit";
import type { Actor } from "@/auth/actor";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { withTransaction } from "@/db/transaction";
import { cancelIngest, resetIngest } from "@/ingest/pipeline";
import { AppError } from "@/server/errors";
import { publishLive } from "@/server/live";
import { jobFilterSql, jobListInput } from "./job-list";
import { type JobView, jobView } from "./job-view";
import { markJobCancelled, taskKey, taskKeysOf } from "./jobs";
import { GRAPHILE_PRIORITY, type Priority, prioritySchema } from "./priorities";

/**
 * What operators do to a job (REST and tRPC call these): cancel, retry (one, or all failed that
 * match a filter), reschedule and change priority. Graphile Worker is
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
    if (!(await requeue(client, job)))
      throw new AppError("CONFLICT", `Job ${jobId} changed meanwhile; look again`);
    await recordAudit(actor, "job.retry", { type: "job", id: jobId }, { was: job.status }, client);
  });
  return jobView(jobId);
}

interface RetryableJob {
  id: string;
  type: string;
  payload: unknown;
  priority: string;
  batch: { id: string } | null;
}

/** Queues a failed or cancelled job's task again; false when it is no longer failed or cancelled. */
async function requeue(client: pg.PoolClient, job: RetryableJob): Promise<boolean> {
  const { rowCount } = await client.query(
    `UPDATE app.jobs SET status = 'queued', error = NULL, progress = 0, started_at = NULL, finished_at = NULL,
       run_at = NULL, counts = '{}' WHERE id = $1 AND status IN ('failed', 'cancelled')`,
    [job.id],
  );
  if (!rowCount) return false;
  if (job.batch) await resetIngest(client, job.batch.id);
  await client.query(
    `SELECT graphile_worker.add_job($1, $2::json, priority => $3::int, job_key => $4,
       flags => app.job_flags($5::uuid, $1))`,
    [
      job.type,
      JSON.stringify(job.payload),
      GRAPHILE_PRIORITY[job.priority as Priority],
      taskKey(job.id),
      job.id,
    ],
  );
  await publishLive({ type: "job", jobId: job.id, status: "queued" }, client);
  return true;
}

/** At most this many jobs are retried by one "retry all"; run it again for more. */
export const RETRY_ALL_LIMIT = 10_000;

/**
 * Retries every failed job matching a filter (the Jobs page's filter, or one failure group's
 * fingerprint), oldest first, up to RETRY_ALL_LIMIT, in one transaction with one audit event.
 */
export async function retryMatching(
  input: z.input<typeof jobListInput> & { fingerprint?: string },
  actor: Actor,
): Promise<{ retried: number; more: boolean }> {
  const filter = jobListInput.parse({ ...input, state: "failed", cursor: undefined });
  const fingerprint =
    input.fingerprint === undefined ? undefined : z.string().max(500).parse(input.fingerprint);
  return withTransaction(pool(), async (client) => {
    const { where, params } = jobFilterSql(filter, actor);
    if (fingerprint !== undefined) {
      params.push(fingerprint);
      where.push(`j.error_fingerprint IS NOT DISTINCT FROM NULLIF($${params.length}, '')`);
    }
    params.push(RETRY_ALL_LIMIT + 1);
    const { rows } = await client.query<{
      id: string;
      type: string;
      payload: unknown;
      priority: string;
      batch_id: string | null;
    }>(
      `SELECT j.id, j.type, j.payload, j.priority, b.id AS batch_id
       FROM app.jobs j LEFT JOIN app.batches b ON b.job_id = j.id
       WHERE ${where.join(" AND ")} ORDER BY j.created_at, j.id LIMIT $${params.length} FOR UPDATE OF j`,
      params,
    );
    const batch = rows.slice(0, RETRY_ALL_LIMIT);
    let retried = 0;
    for (const r of batch) {
      const ok = await requeue(client, { ...r, batch: r.batch_id ? { id: r.batch_id } : null });
      if (ok) retried++;
    }
    await recordAudit(
      actor,
      "job.retry_all",
      null,
      { retried, filter: { ...filter, fingerprint } as Record<string, unknown> } as never,
      client,
    );
    return { retried, more: rows.length > RETRY_ALL_LIMIT };
  });
}

/** The Graphile Worker jobs (tasks) of one Sluice job that are not running now. */
async function waitingTaskIds(client: pg.PoolClient, jobId: string): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(
    "SELECT id FROM graphile_worker.jobs WHERE key = ANY($1::text[]) AND locked_at IS NULL",
    [await taskKeysOf(client, jobId)],
  );
  return rows.map((r) => r.id);
}

async function lockQueuedJob(client: pg.PoolClient, jobId: string, action: string) {
  const { rows } = await client.query<{
    status: string;
    priority: string;
    type: string;
    payload: unknown;
    run_at: Date | null;
  }>("SELECT status, priority, type, payload, run_at FROM app.jobs WHERE id = $1 FOR UPDATE", [jobId]);
  const job = rows[0];
  if (!job) throw new AppError("NOT_FOUND", `No job ${jobId}`);
  if (job.status !== "queued") {
    throw new AppError("CONFLICT", `Job ${jobId} is ${job.status}; only a waiting job can be ${action}`);
  }
  return job;
}

export const rescheduleInput = z.object({
  id: z.uuid("not a job id"),
  /** When it should run; a time in the past (or now) means at once. */
  runAt: z.coerce.date({ error: "runAt: not a date" }),
});

/** Moves a waiting (or retrying) job to run at another time. */
export async function rescheduleJob(input: z.input<typeof rescheduleInput>, actor: Actor): Promise<JobView> {
  const { id, runAt } = rescheduleInput.parse(input);
  await withTransaction(pool(), async (client) => {
    const job = await lockQueuedJob(client, id, "rescheduled");
    const ids = await waitingTaskIds(client, id);
    if (ids.length === 0)
      throw new AppError("CONFLICT", `Job ${id} is being picked up by a worker; look again`);
    await client.query("SELECT graphile_worker.reschedule_jobs($1::bigint[], run_at => $2)", [ids, runAt]);
    await client.query("UPDATE app.jobs SET run_at = $2 WHERE id = $1", [
      id,
      runAt > new Date() ? runAt : null,
    ]);
    await publishLive({ type: "job", jobId: id, status: "queued" }, client);
    await recordAudit(
      actor,
      "job.reschedule",
      { type: "job", id },
      { from: job.run_at?.toISOString() ?? null, to: runAt.toISOString() },
      client,
    );
  });
  return jobView(id);
}

export const changePriorityInput = z.object({ id: z.uuid("not a job id"), priority: prioritySchema });

/**
 * Moves a waiting or running job to another priority. Its waiting tasks move now (with their job
 * flags, so pausing a priority matches them); tasks a running job queues later take the new one.
 */
export async function changeJobPriority(
  input: z.input<typeof changePriorityInput>,
  actor: Actor,
): Promise<JobView> {
  const { id, priority } = changePriorityInput.parse(input);
  await withTransaction(pool(), async (client) => {
    const { rows } = await client.query<{ status: string; priority: string; type: string; payload: unknown }>(
      "SELECT status, priority, type, payload FROM app.jobs WHERE id = $1 FOR UPDATE",
      [id],
    );
    const job = rows[0];
    if (!job) throw new AppError("NOT_FOUND", `No job ${id}`);
    if (job.status !== "queued" && job.status !== "running") {
      throw new AppError(
        "CONFLICT",
        `Job ${id} is ${job.status}; only a waiting or running job can change priority`,
      );
    }
    if (job.priority === priority) return;
    await client.query("UPDATE app.jobs SET priority = $2 WHERE id = $1", [id, priority]);
    const waiting = await client.query<{ id: string; key: string | null }>(
      "SELECT id, key FROM graphile_worker.jobs WHERE key = ANY($1::text[]) AND locked_at IS NULL",
      [await taskKeysOf(client, id)],
    );
    for (const t of waiting.rows) {
      if (t.key === taskKey(id)) {
        // Re-adding under its key updates the waiting task in place: priority and flags, run_at kept.
        await client.query(
          `SELECT graphile_worker.add_job($1, $2::json, priority => $3::int, job_key => $4,
             job_key_mode => 'preserve_run_at', flags => app.job_flags($5::uuid, $1))`,
          [job.type, JSON.stringify(job.payload), GRAPHILE_PRIORITY[priority], taskKey(id), id],
        );
      } else {
        await client.query("SELECT graphile_worker.reschedule_jobs(ARRAY[$1::bigint], priority => $2::int)", [
          t.id,
          GRAPHILE_PRIORITY[priority],
        ]);
      }
    }
    await publishLive({ type: "job", jobId: id, status: job.status }, client);
    await recordAudit(
      actor,
      "job.priority",
      { type: "job", id },
      { from: job.priority, to: priority },
      client,
    );
  });
  return jobView(id);
}
