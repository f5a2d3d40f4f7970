import type pg from "pg";

type Queryable = Pick<pg.ClientBase, "query">;

/**
 * Counting Graphile Worker's queue at any size, for the overview, the minute sampler, the health
 * cards, Prometheus and depth alerts.
 *
 * A job is in exactly one state (as operators think of it):
 * - failed (for good): out of attempts;
 * - running: locked by a worker;
 * - retrying: an earlier attempt failed, it will run again (now or after its backoff);
 * - scheduled: never tried, due later; waiting: never tried, due now.
 *
 * The first three are always exact: two small partial indexes Sluice adds to Graphile's table
 * (`ensureQueueIndexes`) hold just those jobs. Waiting and scheduled are counted exactly for every
 * priority while the exact counts together stay under `exactLimit` jobs (smallest priorities
 * first); a priority beyond that is estimated from a fixed sample of the table's pages
 * (`TABLESAMPLE SYSTEM … REPEATABLE`, so the figure moves smoothly as the queue drains) and
 * flagged, so the console can show it as "≈". The cost is bounded either way (tens of
 * milliseconds for a million jobs), where exact counting of every job costs seconds.
 */
export const QUEUE_STATES = ["waiting", "scheduled", "running", "retrying", "failed"] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** Jobs counted exactly per overview before the largest priorities are estimated instead. */
export const EXACT_LIMIT = 20_000;
/** Pages an estimate reads, spread over the table (about 2 % error for a quarter-million jobs). */
const SAMPLE_PAGES = 600;

export interface DepthRow {
  /** Graphile Worker's numeric priority. */
  priority: number;
  task: string;
  state: QueueState;
  n: number;
  /** Estimated from a sample (shown as "≈"); exact otherwise. */
  estimated: boolean;
}

export interface QueueDepth {
  rows: DepthRow[];
  /** Age of the oldest job due now and not running (waiting or retrying), in seconds. */
  oldestWaitingSeconds: number | null;
  /** Share of the table's pages the estimate read (null when everything is exact). */
  sampledPercent: number | null;
}

/**
 * Indexes Sluice adds to Graphile Worker's `_private_jobs` (after Graphile's own migrations, so they
 * come back should a Graphile upgrade rebuild the table). Both hold only the few jobs that are not
 * plainly queued, so a job that runs and succeeds at once adds one small index entry (when it is
 * locked) and nothing else.
 */
export const QUEUE_INDEXES = [
  `CREATE INDEX IF NOT EXISTS sluice_jobs_unavailable_idx ON graphile_worker._private_jobs
     (priority, task_id) INCLUDE (attempts, max_attempts, locked_at) WHERE is_available = false`,
  `CREATE INDEX IF NOT EXISTS sluice_jobs_retrying_idx ON graphile_worker._private_jobs
     (priority, task_id) INCLUDE (run_at) WHERE is_available = true AND attempts > 0`,
];

export async function ensureQueueIndexes(client: Queryable): Promise<void> {
  // One process at a time (several may start together).
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('sluice_queue_indexes'))");
    for (const sql of QUEUE_INDEXES) await client.query(sql);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK");
    throw err;
  }
}

/** Queue depth by priority, task and state; see the module comment for what is exact. */
export async function queueDepth(
  client: Queryable,
  opts: { exactLimit?: number; excludeTasks?: string[] } = {},
): Promise<QueueDepth> {
  const exactLimit = opts.exactLimit ?? EXACT_LIMIT;
  const exclude = opts.excludeTasks ?? [];
  // Every priority with queued (available) jobs, by a skip scan of Graphile's main index, each with
  // its count up to the limit and its oldest due job.
  const [tasks, priorities, others] = await Promise.all([
    client.query<{ id: number; identifier: string }>(
      "SELECT id, identifier FROM graphile_worker._private_tasks",
    ),
    client.query<{ priority: number; n: number; oldest: number | null }>(
      `WITH RECURSIVE p AS (
         (SELECT priority FROM graphile_worker._private_jobs WHERE is_available = true ORDER BY priority LIMIT 1)
         UNION ALL
         SELECT (SELECT j.priority FROM graphile_worker._private_jobs j
                 WHERE j.is_available = true AND j.priority > p.priority ORDER BY j.priority LIMIT 1)
         FROM p WHERE p.priority IS NOT NULL)
       SELECT p.priority,
         (SELECT count(*) FROM (SELECT 1 FROM graphile_worker._private_jobs j
            WHERE j.is_available = true AND j.priority = p.priority LIMIT $1) x)::int AS n,
         (SELECT EXTRACT(EPOCH FROM now() - j.run_at)::float8 FROM graphile_worker._private_jobs j
            JOIN graphile_worker._private_tasks t ON t.id = j.task_id
            WHERE j.is_available = true AND j.priority = p.priority AND t.identifier <> ALL($2)
            ORDER BY j.run_at LIMIT 1) AS oldest
       FROM p WHERE p.priority IS NOT NULL`,
      [exactLimit + 1, exclude],
    ),
    // Running, failed for good and retrying: the two partial indexes, always exact.
    client.query<{ priority: number; task_id: number; state: QueueState; n: number }>(
      `SELECT priority, task_id, CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'running' END AS state,
         count(*)::int AS n
       FROM graphile_worker._private_jobs WHERE is_available = false GROUP BY 1, 2, 3
       UNION ALL
       SELECT priority, task_id, 'retrying', count(*)::int
       FROM graphile_worker._private_jobs WHERE is_available = true AND attempts > 0 GROUP BY 1, 2`,
    ),
  ]);
  const taskName = new Map(tasks.rows.map((t) => [t.id, t.identifier]));
  // Smallest priorities first, exact while the budget lasts; the rest are estimated.
  const exact: number[] = [];
  const estimated: number[] = [];
  let budget = exactLimit;
  for (const p of [...priorities.rows].sort((a, b) => a.n - b.n)) {
    if (p.n <= exactLimit && p.n <= budget) {
      exact.push(p.priority);
      budget -= p.n;
    } else estimated.push(p.priority);
  }
  const fresh = `CASE WHEN run_at > now() THEN 'scheduled' ELSE 'waiting' END`;
  const [exactRows, sample] = await Promise.all([
    exact.length
      ? client.query<{ priority: number; task_id: number; state: QueueState; n: number }>(
          `SELECT priority, task_id, ${fresh} AS state, count(*)::int AS n FROM graphile_worker._private_jobs
           WHERE is_available = true AND attempts = 0 AND priority = ANY($1::int[]) GROUP BY 1, 2, 3`,
          [exact],
        )
      : undefined,
    estimated.length ? sampleFresh(client, estimated) : undefined,
  ]);
  const rows: DepthRow[] = [];
  const add = (r: { priority: number; task_id: number; state: QueueState; n: number }, est: boolean) => {
    const task = taskName.get(r.task_id) ?? `task ${r.task_id}`;
    if (!exclude.includes(task) && r.n > 0)
      rows.push({ priority: r.priority, task, state: r.state, n: r.n, estimated: est });
  };
  for (const r of others.rows) add(r, false);
  for (const r of exactRows?.rows ?? []) add(r, false);
  for (const r of sample?.rows ?? []) add(r, true);
  const due = priorities.rows.map((p) => p.oldest).filter((s): s is number => s !== null && s >= 0);
  return {
    rows,
    oldestWaitingSeconds: due.length ? Math.max(...due) : null,
    sampledPercent: sample?.percent ?? null,
  };
}

/** Waiting and scheduled jobs of the given priorities, estimated from a fixed sample of pages. */
async function sampleFresh(client: Queryable, priorities: number[]) {
  const { rows: size } = await client.query<{ pages: number }>(
    `SELECT GREATEST(1, pg_relation_size('graphile_worker._private_jobs') / current_setting('block_size')::int)::float8 AS pages`,
  );
  const percent = Math.min(100, (SAMPLE_PAGES / size[0]!.pages) * 100);
  // Each page is read with probability percent/100, so count ÷ that is an unbiased estimate.
  const { rows } = await client.query<{ priority: number; task_id: number; state: QueueState; n: number }>(
    `SELECT priority, task_id, CASE WHEN run_at > now() THEN 'scheduled' ELSE 'waiting' END AS state, count(*)::int AS n
     FROM graphile_worker._private_jobs TABLESAMPLE SYSTEM ($1) REPEATABLE (7)
     WHERE is_available = true AND attempts = 0 AND priority = ANY($2::int[]) GROUP BY 1, 2, 3`,
    [percent, priorities],
  );
  const scale = 100 / percent;
  return {
    percent: Math.round(percent * 100) / 100,
    rows: rows.map((r) => ({ ...r, n: roundEstimate(r.n * scale) })),
  };
}

/** Three significant figures: an estimate should not pretend to more. */
export function roundEstimate(n: number): number {
  if (n < 1000) return Math.round(n);
  const unit = 10 ** (Math.floor(Math.log10(n)) - 2);
  return Math.round(n / unit) * unit;
}
