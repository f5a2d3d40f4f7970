import { randomUUID } from "node:crypto";
import type pg from "pg";
import { recordAudit } from "@/audit/audit";
import type { Actor } from "@/auth/actor";
import { publishLive } from "@/server/live";
import { GRAPHILE_PRIORITY, type Priority } from "./priorities";
import { type TaskName, taskPayloads } from "./tasks";

type Queryable = Pick<pg.ClientBase, "query">;

/**
 * `enqueueJob` for code that already holds a pg transaction (the schedule tick, a chain step
 * started where the previous step is marked succeeded): the Sluice job, its Graphile task, the
 * audit event and the live event commit or roll back with the caller's transaction.
 */
export async function enqueueJobOn(
  client: Queryable,
  opts: {
    task: TaskName;
    /** Without `jobId`; validated against the task's one payload schema. */
    payload: Record<string, unknown>;
    priority?: Priority;
    datasetId?: string | null;
    maxAttempts?: number;
  },
  actor: Actor,
): Promise<{ id: string }> {
  const id = randomUUID();
  const priority = opts.priority ?? "standard";
  const payload = taskPayloads[opts.task].parse({ ...opts.payload, jobId: id });
  await client.query(
    `INSERT INTO app.jobs (id, type, priority, status, payload, dataset_id, created_by_id)
     VALUES ($1, $2, $3::app."Priority", 'queued', $4, $5, $6)`,
    [
      id,
      opts.task,
      priority,
      JSON.stringify(payload),
      opts.datasetId ?? null,
      actor.kind === "user" ? actor.id : null,
    ],
  );
  await client.query(
    `SELECT graphile_worker.add_job($1, $2::json, priority => $3::int, max_attempts => $4::int, job_key => $5)`,
    [opts.task, JSON.stringify(payload), GRAPHILE_PRIORITY[priority], opts.maxAttempts ?? 5, `job:${id}`],
  );
  await recordAudit(actor, "job.enqueue", { type: "job", id }, { task: opts.task, priority }, client);
  await publishLive({ type: "job", jobId: id, status: "queued" }, client);
  return { id };
}
