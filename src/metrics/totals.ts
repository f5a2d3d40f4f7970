import type pg from "pg";

type Queryable = Pick<pg.ClientBase, "query">;

/** Upper bounds (seconds) of the job duration histogram's buckets. Changing them needs a reset of the totals. */
export const DURATION_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600];

/**
 * Jobs are counted once they finished this long ago, so a job whose finishing transaction commits
 * a little after its finish time is not skipped.
 */
const SETTLE_MS = 60_000;

/**
 * Advances the cumulative totals by the jobs that finished since the last advance (the first run
 * counts the whole history once). Serialised on the watermark row; call inside a transaction.
 */
export async function advanceJobTotals(
  client: Queryable,
  now = new Date(),
): Promise<{ upto: Date; jobs: number }> {
  const upto = new Date(Math.floor((now.getTime() - SETTLE_MS) / 60_000) * 60_000);
  const { rows } = await client.query<{ upto: Date | null }>(
    "SELECT upto FROM app.metric_job_totals_watermark WHERE id = 1 FOR UPDATE",
  );
  const from = rows[0]?.upto ?? null;
  if (from && from >= upto) return { upto: from, jobs: 0 };
  const buckets = DURATION_BUCKETS.map(
    (_, i) => `count(*) FILTER (WHERE d <= ($3::float8[])[${i + 1}])`,
  ).join(", ");
  const added = await client.query(
    `WITH f AS (
       SELECT type AS task, status::text AS status,
              EXTRACT(EPOCH FROM finished_at - started_at)::float8 AS d
       FROM app.jobs
       WHERE finished_at < $2 AND ($1::timestamptz IS NULL OR finished_at >= $1)
         AND status IN ('succeeded', 'failed', 'cancelled')),
     agg AS (
       SELECT task, status, count(*) AS jobs, COALESCE(sum(d), 0) AS dsum, count(d) AS dcount,
              ARRAY[${buckets}]::bigint[] AS b
       FROM f GROUP BY task, status)
     INSERT INTO app.metric_job_totals AS t (task, status, jobs, duration_sum, duration_count, duration_buckets)
     SELECT task, status, jobs, dsum, dcount, b FROM agg
     ON CONFLICT (task, status) DO UPDATE SET
       jobs = t.jobs + EXCLUDED.jobs,
       duration_sum = t.duration_sum + EXCLUDED.duration_sum,
       duration_count = t.duration_count + EXCLUDED.duration_count,
       duration_buckets = ARRAY(
         SELECT COALESCE(t.duration_buckets[i], 0) + EXCLUDED.duration_buckets[i]
         FROM generate_subscripts(EXCLUDED.duration_buckets, 1) AS i ORDER BY i)
     RETURNING jobs`,
    [from, upto, DURATION_BUCKETS],
  );
  await client.query("UPDATE app.metric_job_totals_watermark SET upto = $1 WHERE id = 1", [upto]);
  return { upto, jobs: added.rowCount ?? 0 };
}
