import { hostname } from "node:os";
import type pg from "pg";
import { env } from "@/env";
import { publishLive } from "@/server/live";

/**
 * Sluice's own record of worker processes. Open-source Graphile Worker has no heartbeat, so each
 * worker process writes one here every few seconds; the console counts a worker alive while its
 * heartbeat is recent.
 */
export const HEARTBEAT_INTERVAL_MS = 5_000;

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
  await client.query("UPDATE app.worker_processes SET stopped_at = now() WHERE id = $1", [id]);
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
