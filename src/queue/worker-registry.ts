import { hostname } from "node:os";
import type pg from "pg";
import { withTransaction } from "@/db/transaction";
import { env } from "@/env";
import { publishLive } from "@/server/live";

/**
 * Sluice's own record of worker processes. Open-source Graphile Worker has no heartbeat, so each
 * worker process writes one here every few seconds; the console counts a worker alive while its
 * heartbeat is recent.
 */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** How often each worker looks for dead ones (with the 30 s default, a dead worker is found within ~40 s). */
export const REAP_INTERVAL_MS = 10_000;

type Queryable = Pick<pg.ClientBase, "query">;

export interface WorkerProcessInfo {
  id: string;
  concurrency: number;
  version: string;
}

export async function registerWorkerProcess(client: Queryable, info: WorkerProcessInfo): Promise<void> {
  await client.query(
    `INSERT INTO app.worker_processes (id, host, pid, concurrency, version) VALUES ($1, $2, $3, $4, $5)`,
    [info.id, hostname(), process.pid, info.concurrency, info.version],
  );
  await publishLive({ type: "worker", workerId: info.id, state: "started" }, client);
}

export async function recordHeartbeat(
  client: Queryable,
  id: string,
  graphileWorkerIds: string[],
): Promise<void> {
  await client.query(
    `UPDATE app.worker_processes SET last_heartbeat_at = now(), graphile_worker_ids = $2 WHERE id = $1`,
    [id, graphileWorkerIds],
  );
  await publishLive({ type: "worker", workerId: id, state: "heartbeat" }, client);
}

export async function recordJobOutcome(client: Queryable, id: string, succeeded: boolean): Promise<void> {
  await client.query(
    succeeded
      ? "UPDATE app.worker_processes SET jobs_succeeded = jobs_succeeded + 1 WHERE id = $1"
      : "UPDATE app.worker_processes SET jobs_failed = jobs_failed + 1 WHERE id = $1",
    [id],
  );
}

export async function markWorkerStopped(client: Queryable, id: string): Promise<void> {
  await client.query(
    "UPDATE app.worker_processes SET stopped_at = now(), stop_reason = 'shutdown' WHERE id = $1",
    [id],
  );
  await publishLive({ type: "worker", workerId: id, state: "stopped" }, client);
}

export async function countLiveWorkers(client: Queryable): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM app.worker_processes
     WHERE stopped_at IS NULL AND last_heartbeat_at > now() - make_interval(secs => $1)`,
    [env().WORKER_DEAD_AFTER_SECONDS],
  );
  return rows[0]?.n ?? 0;
}

export interface ReapedWorker {
  id: string;
  graphileWorkerIds: string[];
}

/**
 * Declares worker processes dead once their heartbeat is older than WORKER_DEAD_AFTER_SECONDS and
 * unlocks their jobs with Graphile Worker's `force_unlock_workers`, so those jobs run again at once
 * instead of after Graphile's 4-hour lock timeout. Every live worker runs this now and then; SKIP
 * LOCKED lets only one of them handle each dead one.
 */
export async function reapDeadWorkers(pool: import("pg").Pool): Promise<ReapedWorker[]> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string; graphile_worker_ids: string[] | null }>(
      `UPDATE app.worker_processes SET stopped_at = now(), stop_reason = 'heartbeat-lost'
       WHERE id IN (
         SELECT id FROM app.worker_processes
         WHERE stopped_at IS NULL AND last_heartbeat_at < now() - make_interval(secs => $1)
         FOR UPDATE SKIP LOCKED)
       RETURNING id, graphile_worker_ids`,
      [env().WORKER_DEAD_AFTER_SECONDS],
    );
    const ids = rows.flatMap((r) => r.graphile_worker_ids ?? []);
    if (ids.length) {
      // The runs the dead worker never finished, on their jobs' pages (tasks carry a `job:<id>` flag).
      await client.query(
        `INSERT INTO app.job_attempts (job_id, task, attempt, worker_id, started_at, succeeded, error)
         SELECT j.id, g.task_identifier, g.attempts, w.id, g.locked_at, false,
           'The worker running it stopped heartbeating (crashed or killed); the job was unlocked to run again'
         FROM graphile_worker.jobs g
         CROSS JOIN LATERAL (SELECT substr(f, 5)::uuid AS id FROM jsonb_object_keys(g.flags) f
                             WHERE f LIKE 'job:%' LIMIT 1) fj
         JOIN app.jobs j ON j.id = fj.id
         LEFT JOIN app.worker_processes w ON g.locked_by = ANY(w.graphile_worker_ids)
         WHERE g.locked_by = ANY($1::text[])`,
        [ids],
      );
      await client.query("SELECT graphile_worker.force_unlock_workers($1::text[])", [ids]);
    }
    for (const r of rows) await publishLive({ type: "worker", workerId: r.id, state: "stopped" }, client);
    return rows.map((r) => ({ id: r.id, graphileWorkerIds: r.graphile_worker_ids ?? [] }));
  });
}
