import type pg from "pg";
import { recordAudit } from "@/audit/audit";
import type { Actor } from "@/auth/actor";
import { db } from "@/db/prisma";
import type { Prisma } from "@/generated/prisma/client";
import { afterJobFinished } from "@/schedules/chain";
import { publishLive } from "@/server/live";
import { GRAPHILE_PRIORITY, type Priority } from "./priorities";
import { type TaskName, type TaskPayload, taskPayloads } from "./tasks";

/**
 * The Graphile job key of a Sluice job's first task. Graphile's public `jobs` view does not show
 * payloads, so keys are how a Sluice job's tasks are found again (to cancel, to retry).
 */
export const taskKey = (jobId: string) => `job:${jobId}`;

type PayloadWithoutJob<T extends TaskName> = Omit<TaskPayload<T>, "jobId">;

export interface EnqueueOptions<T extends TaskName> {
  task: T;
  /**
   * The payload without `jobId` (filled in with the new Sluice job's id), or a function that
   * creates what the job works on (e.g. a batch) in the same transaction and returns the payload.
   */
  payload:
    | PayloadWithoutJob<T>
    | ((tx: Prisma.TransactionClient, jobId: string) => Promise<PayloadWithoutJob<T>>);
  priority?: Priority;
  datasetId?: string;
  maxAttempts?: number;
}

/**
 * Records a Sluice job and queues its Graphile Worker task in one transaction: either both exist
 * or neither does, so the console never shows a job no worker will run.
 */
export async function enqueueJob<T extends TaskName>(opts: EnqueueOptions<T>, actor: Actor) {
  const priority = opts.priority ?? "standard";
  return db().$transaction(async (tx) => {
    const job = await tx.job.create({
      data: {
        type: opts.task,
        priority,
        datasetId: opts.datasetId ?? null,
        createdById: actor.kind === "user" ? actor.id : null,
      },
    });
    const rest = typeof opts.payload === "function" ? await opts.payload(tx, job.id) : opts.payload;
    const payload = taskPayloads[opts.task].parse({ ...rest, jobId: job.id });
    await tx.job.update({ where: { id: job.id }, data: { payload: payload as Prisma.InputJsonValue } });
    await tx.$executeRaw`SELECT graphile_worker.add_job(
      ${opts.task}, ${JSON.stringify(payload)}::json,
      priority => ${GRAPHILE_PRIORITY[priority]}::int,
      max_attempts => ${opts.maxAttempts ?? 5}::int,
      job_key => ${taskKey(job.id)},
      flags => app.job_flags(${job.id}::uuid, ${opts.task}))`;
    await recordAudit(actor, "job.enqueue", { type: "job", id: job.id }, { task: opts.task, priority }, tx);
    await publishLive({ type: "job", jobId: job.id, status: "queued" }, tx);
    return job;
  });
}

/**
 * Every Graphile task of a Sluice job carries job flags (`all`, `task:…`, `priority:…`,
 * `dataset:…`, `job:…`; see app.job_flags): workers forbid paused flags, so pausing a queue or a
 * dataset holds back jobs queued before the pause too.
 *
 * Queues a follow-up task of a running Sluice job (a chunk, a final step) from inside a task, at
 * the job's priority. `jobKey` makes it idempotent: a retried parent does not queue it twice.
 */
export async function addFollowUpTask<T extends TaskName>(
  client: Queryable,
  task: T,
  payload: TaskPayload<T>,
  opts: { jobKey: string; maxAttempts?: number },
): Promise<void> {
  const parsed = taskPayloads[task].parse(payload);
  await client.query(
    `SELECT graphile_worker.add_job($1, $2::json, job_key => $3, job_key_mode => 'unsafe_dedupe',
       priority => (SELECT CASE priority WHEN 'emergency' THEN $5::int WHEN 'high' THEN $6::int
                               WHEN 'background' THEN $7::int ELSE $8::int END FROM app.jobs WHERE id = $9),
       max_attempts => $4, flags => app.job_flags($9, $1))`,
    [
      task,
      JSON.stringify(parsed),
      opts.jobKey,
      opts.maxAttempts ?? 5,
      GRAPHILE_PRIORITY.emergency,
      GRAPHILE_PRIORITY.high,
      GRAPHILE_PRIORITY.background,
      GRAPHILE_PRIORITY.standard,
      parsed.jobId,
    ],
  );
}

type Queryable = Pick<pg.ClientBase, "query">;

/**
 * The Graphile job keys every task of a Sluice job is queued under (its first task, and a load's
 * chunks, finalize step and quality report), so its tasks are found by the unique key index
 * rather than by scanning the queue.
 */
export async function taskKeysOf(client: Queryable, jobId: string): Promise<string[]> {
  const { rows } = await client.query<{ id: string; chunks_total: number }>(
    "SELECT id, chunks_total FROM app.batches WHERE job_id = $1",
    [jobId],
  );
  const keys = [taskKey(jobId)];
  for (const b of rows) {
    keys.push(`ingest_finalize:${b.id}`, `quality_report:${b.id}`);
    for (let i = 0; i < b.chunks_total; i++) keys.push(`ingest_chunk:${b.id}:${i}`);
  }
  return keys;
}

export function getJob(id: string) {
  return db().job.findUnique({ where: { id } });
}

/** Status changes a task reports; each one is a live event too. */
export async function markJobRunning(
  client: Queryable,
  jobId: string,
  workerId: string | null,
): Promise<void> {
  // A job cancelled meanwhile stays cancelled.
  await client.query(
    `UPDATE app.jobs SET status = 'running', started_at = COALESCE(started_at, now()), attempts = attempts + 1,
       worker_id = $2, error = NULL WHERE id = $1 AND status <> 'cancelled'`,
    [jobId, workerId],
  );
  await publishLive({ type: "job", jobId, status: "running" }, client);
}

/**
 * Marks the job succeeded and starts what waits on it (a schedule's next step). Call it inside the
 * transaction of the job's last change, so a chain never misses or doubles a step.
 */
export async function markJobSucceeded(client: Queryable, jobId: string, counts: object = {}): Promise<void> {
  const { rowCount } = await client.query(
    `UPDATE app.jobs SET status = 'succeeded', progress = 1, finished_at = clock_timestamp(), counts = $2
     WHERE id = $1 AND status <> 'cancelled'`,
    [jobId, JSON.stringify(counts)],
  );
  await publishLive({ type: "job", jobId, status: "succeeded", progress: 1 }, client);
  if (rowCount) await afterJobFinished(client, jobId, { status: "succeeded", counts: { ...counts } });
}

export async function markJobCancelled(client: Queryable, jobId: string): Promise<void> {
  await client.query(
    `UPDATE app.jobs SET status = 'cancelled', finished_at = clock_timestamp() WHERE id = $1 AND status IN ('queued', 'running')`,
    [jobId],
  );
  await publishLive({ type: "job", jobId, status: "cancelled" }, client);
  await afterJobFinished(client, jobId, { status: "cancelled", error: "The job was cancelled" });
}

/** `final` is false while Graphile Worker will retry; the job then shows the error but stays queued. */
export async function markJobFailed(
  client: Queryable,
  jobId: string,
  error: string,
  final: boolean,
): Promise<void> {
  const status = final ? "failed" : "queued";
  await client.query(
    `UPDATE app.jobs SET status = $2::app."JobStatus", error = $3, finished_at = CASE WHEN $4 THEN clock_timestamp() END
     WHERE id = $1 AND status <> 'cancelled'`,
    [jobId, status, error.slice(0, 10_000), final],
  );
  await publishLive({ type: "job", jobId, status }, client);
  if (final) await afterJobFinished(client, jobId, { status: "failed", error });
}
