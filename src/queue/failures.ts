import type { Actor } from "@/auth/actor";
import { pool } from "@/db/pool";
import { type JobListFilter, jobFilterSql, jobListInput } from "./job-list";

/**
 * Failed jobs grouped by error fingerprint (app.error_fingerprint: the message's first line with
 * ids, numbers and quoted values taken out), so one broken upstream is one line with a count.
 */
export interface FailureGroup {
  fingerprint: string | null;
  /** One real message of the group, to read. */
  example: string | null;
  count: number;
  /** The task of the latest job in the group. */
  task: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
}

export async function failureGroups(
  input: Partial<Pick<JobListFilter, "task" | "dataset" | "priority" | "mine" | "from" | "to" | "q">> = {},
  actor: Actor,
  limit = 50,
): Promise<FailureGroup[]> {
  const filter = jobListInput.parse({ ...input, state: "failed" });
  const { where, params } = jobFilterSql(filter, actor);
  params.push(limit);
  // Counts come from the partial index on (fingerprint, finished_at) of failed jobs; one example
  // message per group is then read by the same index.
  const { rows } = await pool().query<{
    fingerprint: string | null;
    example: string | null;
    task: string | null;
    count: number;
    first_seen: Date | null;
    last_seen: Date | null;
  }>(
    `SELECT g.*, e.error AS example, e.type AS task FROM (
       SELECT j.error_fingerprint AS fingerprint, count(*)::int AS count, min(j.finished_at) AS first_seen,
         max(j.finished_at) AS last_seen
       FROM app.jobs j WHERE ${where.join(" AND ")}
       GROUP BY j.error_fingerprint ORDER BY count(*) DESC, max(j.finished_at) DESC LIMIT $${params.length}) g
     LEFT JOIN LATERAL (
       SELECT x.error, x.type FROM app.jobs x
       WHERE x.status = 'failed' AND x.error_fingerprint = g.fingerprint
       ORDER BY x.finished_at DESC LIMIT 1) e ON true
     ORDER BY g.count DESC, g.last_seen DESC`,
    params,
  );
  return rows.map((r) => ({
    fingerprint: r.fingerprint,
    example: r.example?.split("\n")[0]?.slice(0, 500) ?? null,
    count: r.count,
    task: r.task,
    firstSeen: r.first_seen?.toISOString() ?? null,
    lastSeen: r.last_seen?.toISOString() ?? null,
  }));
}
