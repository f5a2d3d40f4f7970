import type pg from "pg";
import { pool } from "@/db/pool";
import { type JobView, jobView } from "./job-view";
import { taskKeysOf } from "./jobs";
import { priorityFromGraphile } from "./priorities";

type Queryable = Pick<pg.ClientBase, "query">;

/** Everything the job page shows beyond the job itself: payload, attempts, log, its tasks in the queue. */
export interface JobDetail extends JobView {
  payload: unknown;
  runAt: string | null;
  attemptRuns: {
    task: string;
    attempt: number;
    workerId: string | null;
    startedAt: string;
    finishedAt: string;
    succeeded: boolean;
    error: string | null;
    stack: string | null;
  }[];
  logs: { id: string; at: string; level: string; message: string }[];
  /** The job's Graphile Worker tasks still in the queue (waiting, running or retrying). */
  tasks: {
    id: string;
    task: string;
    priority: string;
    runAt: string;
    attempts: number;
    maxAttempts: number;
    lastError: string | null;
    lockedBy: string | null;
    lockedAt: string | null;
    flags: string[];
  }[];
}

const LOG_LIMIT = 500;

export async function jobDetail(id: string): Promise<JobDetail> {
  const view = await jobView(id);
  const db = pool();
  const [job, attempts, logs, tasks] = await Promise.all([
    db.query<{ payload: unknown; run_at: Date | null }>(
      "SELECT payload, run_at FROM app.jobs WHERE id = $1",
      [id],
    ),
    db.query(
      `SELECT task, attempt, worker_id, started_at, finished_at, succeeded, error, stack
       FROM app.job_attempts WHERE job_id = $1 ORDER BY id DESC LIMIT 100`,
      [id],
    ),
    db.query(
      `SELECT id, at, level, message FROM (SELECT * FROM app.job_logs WHERE job_id = $1 ORDER BY id DESC LIMIT $2) l ORDER BY id`,
      [id, LOG_LIMIT],
    ),
    db.query(
      `SELECT id, task_identifier, priority, run_at, attempts, max_attempts, last_error, locked_by, locked_at, flags
       FROM graphile_worker.jobs WHERE key = ANY($1::text[]) ORDER BY id LIMIT 50`,
      [await taskKeysOf(db, id)],
    ),
  ]);
  return {
    ...view,
    payload: job.rows[0]?.payload ?? null,
    runAt: job.rows[0]?.run_at?.toISOString() ?? null,
    attemptRuns: attempts.rows.reverse().map((a) => ({
      task: a.task,
      attempt: a.attempt,
      workerId: a.worker_id,
      startedAt: a.started_at.toISOString(),
      finishedAt: a.finished_at.toISOString(),
      succeeded: a.succeeded,
      error: a.error,
      stack: a.stack,
    })),
    logs: logs.rows.map((l) => ({
      id: String(l.id),
      at: l.at.toISOString(),
      level: l.level,
      message: l.message,
    })),
    tasks: tasks.rows.map((t) => ({
      id: String(t.id),
      task: t.task_identifier,
      priority: priorityFromGraphile(t.priority),
      runAt: t.run_at.toISOString(),
      attempts: t.attempts,
      maxAttempts: t.max_attempts,
      lastError: t.last_error,
      lockedBy: t.locked_by,
      lockedAt: t.locked_at?.toISOString() ?? null,
      flags: Object.keys(t.flags ?? {}),
    })),
  };
}

/** Appends a log line to a job (tasks call this through their helpers). */
export async function appendJobLog(
  client: Queryable,
  jobId: string,
  message: string,
  level: "info" | "warn" | "error" = "info",
): Promise<void> {
  await client.query("INSERT INTO app.job_logs (job_id, level, message) VALUES ($1, $2, $3)", [
    jobId,
    level,
    message.slice(0, 4000),
  ]);
}

/** Records one run of one of a job's tasks, with the error and stack when it failed. */
export async function recordAttempt(
  client: Queryable,
  a: {
    jobId: string;
    task: string;
    attempt: number;
    workerId: string | null;
    startedAt: Date;
    error?: { message: string; stack?: string };
  },
): Promise<void> {
  await client.query(
    `INSERT INTO app.job_attempts (job_id, task, attempt, worker_id, started_at, succeeded, error, stack)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM app.jobs WHERE id = $1)`,
    [
      a.jobId,
      a.task,
      a.attempt,
      a.workerId,
      a.startedAt,
      !a.error,
      a.error?.message.slice(0, 10_000) ?? null,
      a.error?.stack?.slice(0, 20_000) ?? null,
    ],
  );
}
