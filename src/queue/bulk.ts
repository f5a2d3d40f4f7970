import { z } from "zod";
import { recordAudit } from "@/audit/audit";
import type { Actor } from "@/auth/actor";
import { pool } from "@/db/pool";
import { withTransaction } from "@/db/transaction";
import { publishLive } from "@/server/live";
import { taskKey } from "./jobs";
import { GRAPHILE_PRIORITY, prioritySchema } from "./priorities";

export const bulkPingInput = z.object({
  count: z.number().int().min(1).max(100_000),
  priority: prioritySchema.default("standard"),
  holdMs: z.number().int().min(0).max(600_000).optional(),
  failWith: z.string().max(500).optional(),
});

/**
 * Queues many ping jobs in one statement (app.jobs rows and their Graphile tasks, with the same
 * flags app.job_flags gives): load for watching the queue move, and for benchmarks. One audit event.
 */
export async function enqueuePings(
  input: z.input<typeof bulkPingInput>,
  actor: Actor,
): Promise<{ count: number; firstJobId: string | null }> {
  const { count, priority, ...rest } = bulkPingInput.parse(input);
  return withTransaction(pool(), async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `WITH ins AS (
         INSERT INTO app.jobs (id, type, priority, payload, created_by_id)
         SELECT id, 'ping', $1::app."Priority", jsonb_build_object('jobId', id) || $2::jsonb, $3::uuid
         FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, $4::int)) g
         RETURNING id, payload),
       added AS (
         SELECT graphile_worker.add_jobs(array_agg(ROW('ping', payload::json, NULL, NULL, 5, $5 || id::text, $6::int,
                  ARRAY['all', 'task:ping', 'priority:' || $1, 'job:' || id::text])::graphile_worker.job_spec))
         FROM ins)
       SELECT (SELECT min(id::text) FROM ins) AS id, (SELECT count(*) FROM added) AS n`,
      [
        priority,
        JSON.stringify(rest),
        actor.kind === "user" ? actor.id : null,
        count,
        taskKey(""),
        GRAPHILE_PRIORITY[priority],
      ],
    );
    await recordAudit(actor, "job.enqueue_bulk", null, { task: "ping", count, priority }, client);
    await publishLive({ type: "job", jobId: rows[0]?.id ?? "", status: "queued" }, client);
    return { count, firstJobId: rows[0]?.id ?? null };
  });
}
