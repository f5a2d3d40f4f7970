import type pg from "pg";
import { recordAudit } from "@/audit/audit";
import type { Actor } from "@/auth/actor";
import { db } from "@/db/prisma";
import type { Prisma } from "@/generated/prisma/client";
import { publishLive } from "@/server/live";
import { GRAPHILE_PRIORITY, type Priority } from "./priorities";
import { type TaskName, type TaskPayload, taskPayloads } from "./tasks";

export interface EnqueueOptions<T extends TaskName> {
  task: T;
  /** The payload without `jobId`, which is filled in with the new Sluice job's id. */
  payload: Omit<TaskPayload<T>, "jobId">;
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
        payload: opts.payload as Prisma.InputJsonValue,
        createdById: actor.kind === "user" ? actor.id : null,
      },
    });
    const payload = taskPayloads[opts.task].parse({ ...opts.payload, jobId: job.id });
    await tx.$executeRaw`SELECT graphile_worker.add_job(
      ${opts.task}, ${JSON.stringify(payload)}::json,
      priority => ${GRAPHILE_PRIORITY[priority]}::int,
      max_attempts => ${opts.maxAttempts ?? 5}::int)`;
    await recordAudit(actor, "job.enqueue", { type: "job", id: job.id }, { task: opts.task, priority }, tx);
    await tx.$executeRaw`SELECT pg_notify('sluice_events', ${JSON.stringify({ type: "job", jobId: job.id, status: "queued" })})`;
    return job;
  });
}

export function getJob(id: string) {
  return db().job.findUnique({ where: { id } });
}

type Queryable = Pick<pg.ClientBase, "query">;

/** Status changes a task reports; each one is a live event too. */
export async function markJobRunning(
  client: Queryable,
  jobId: string,
  workerId: string | null,
): Promise<void> {
  await client.query(
    `UPDATE app.jobs SET status = 'running', started_at = COALESCE(started_at, now()), attempts = attempts + 1,
       worker_id = $2, error = NULL WHERE id = $1`,
    [jobId, workerId],
  );
  await publishLive({ type: "job", jobId, status: "running" }, client);
}

export async function markJobSucceeded(client: Queryable, jobId: string, counts: object = {}): Promise<void> {
  await client.query(
    `UPDATE app.jobs SET status = 'succeeded', progress = 1, finished_at = now(), counts = $2 WHERE id = $1`,
    [jobId, JSON.stringify(counts)],
  );
  await publishLive({ type: "job", jobId, status: "succeeded", progress: 1 }, client);
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
    `UPDATE app.jobs SET status = $2::app."JobStatus", error = $3, finished_at = CASE WHEN $4 THEN now() END
     WHERE id = $1`,
    [jobId, status, error.slice(0, 10_000), final],
  );
  await publishLive({ type: "job", jobId, status }, client);
}
