import pg from "pg";

type Queryable = Pick<pg.ClientBase, "query">;

/**
 * Runs independent reads at once on a pool (each takes its own connection), one after another on
 * a single client, which cannot run two queries at once.
 */
async function reads<T extends readonly unknown[]>(
  client: Queryable,
  fns: { [K in keyof T]: () => Promise<T[K]> },
): Promise<T> {
  if (client instanceof pg.Pool) return (await Promise.all(fns.map((f) => f()))) as unknown as T;
  const out: unknown[] = [];
  for (const f of fns) out.push(await f());
  return out as unknown as T;
}

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
 * (`ensureQueueIndexes`) hold just those jobs. Waiting and scheduled come from a fixed sample of
 * the table's pages (`sampleFresh`: the same pages each time, so a figure moves smoothly as the
 * queue drains); every priority the sample does not put clearly over `exactLimit` is then counted
 * exactly, smallest first, while those exact counts together stay within `exactLimit` jobs. The
 * rest keep the sample's estimate, flagged so the console shows it as "≈". The cost is bounded
 * either way (tens of milliseconds for a million jobs), where counting every job costs seconds.
 */
export const QUEUE_STATES = ["waiting", "scheduled", "running", "retrying", "failed"] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** Jobs counted exactly per overview before the largest priorities are estimated instead. */
export const EXACT_LIMIT = 20_000;
/** Pages an estimate reads, spread over the table (about 2 % error for a quarter-million jobs). */
const SAMPLE_PAGES = 400;
/** … read as this many runs of consecutive pages. */
const SAMPLE_CHUNKS = 40;

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
  // Every priority with queued (available) jobs, by a skip scan of Graphile's main index, each
  // with its oldest due job; the always-exact states; and a sample of the rest.
  const [tasks, priorities, others, sample] = await reads<
    [
      pg.QueryResult<{ id: number; identifier: string }>,
      pg.QueryResult<{ priority: number; oldest: number | null }>,
      pg.QueryResult<{ priority: number; task_id: number; state: QueueState; n: number }>,
      Awaited<ReturnType<typeof sampleFresh>>,
    ]
  >(client, [
    () =>
      client.query<{ id: number; identifier: string }>(
        "SELECT id, identifier FROM graphile_worker._private_tasks",
      ),
    () =>
      client.query<{ priority: number; oldest: number | null }>(
        `WITH RECURSIVE p AS (
         (SELECT priority FROM graphile_worker._private_jobs WHERE is_available = true ORDER BY priority LIMIT 1)
         UNION ALL
         SELECT (SELECT j.priority FROM graphile_worker._private_jobs j
                 WHERE j.is_available = true AND j.priority > p.priority ORDER BY j.priority LIMIT 1)
         FROM p WHERE p.priority IS NOT NULL)
       SELECT p.priority,
         (SELECT EXTRACT(EPOCH FROM now() - j.run_at)::float8 FROM graphile_worker._private_jobs j
            JOIN graphile_worker._private_tasks t ON t.id = j.task_id
            WHERE j.is_available = true AND j.priority = p.priority AND t.identifier <> ALL($1)
            ORDER BY j.run_at LIMIT 1) AS oldest
       FROM p WHERE p.priority IS NOT NULL`,
        [exclude],
      ),
    // Running, failed for good and retrying: the two partial indexes, always exact.
    () =>
      client.query<{ priority: number; task_id: number; state: QueueState; n: number }>(
        `SELECT priority, task_id, CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'running' END AS state,
         count(*)::int AS n
       FROM graphile_worker._private_jobs WHERE is_available = false GROUP BY 1, 2, 3
       UNION ALL
       SELECT priority, task_id, 'retrying', count(*)::int
       FROM graphile_worker._private_jobs WHERE is_available = true AND attempts > 0 GROUP BY 1, 2`,
      ),
    () => sampleFresh(client),
  ]);
  const taskName = new Map(tasks.rows.map((t) => [t.id, t.identifier]));
  // Priorities the sample puts clearly over the limit stay estimated; the others are counted
  // exactly, smallest first, while together they stay within the limit.
  const guess = new Map<number, number>();
  for (const r of sample.rows) guess.set(r.priority, (guess.get(r.priority) ?? 0) + r.n);
  let exact = priorities.rows
    .map((p) => p.priority)
    .filter((p) => (guess.get(p) ?? 0) < 2 * exactLimit)
    .sort((a, b) => (guess.get(a) ?? 0) - (guess.get(b) ?? 0));
  let exactRows: { priority: number; task_id: number; state: QueueState; n: number }[] = [];
  while (exact.length) {
    const { rows } = await client.query<{ priority: number; task_id: number; later: boolean; n: number }>(
      `SELECT priority, task_id, later, count(*)::int AS n FROM (
         SELECT priority, task_id, run_at > now() AS later FROM graphile_worker._private_jobs
         WHERE is_available = true AND attempts = 0 AND priority = ANY($1::int[]) LIMIT $2) x
       GROUP BY 1, 2, 3`,
      [exact, exactLimit + 1],
    );
    if (rows.reduce((sum, r) => sum + r.n, 0) <= exactLimit) {
      exactRows = rows.map((r) => ({ ...r, state: r.later ? "scheduled" : "waiting" }));
      break;
    }
    exact = exact.slice(0, -1); // over the limit: the largest is estimated instead
  }
  const counted = new Set(exact);
  const estimatedRows = sample.rows.filter((r) => !counted.has(r.priority));
  const rows: DepthRow[] = [];
  const add = (r: { priority: number; task_id: number; state: QueueState; n: number }, est: boolean) => {
    const task = taskName.get(r.task_id) ?? `task ${r.task_id}`;
    if (!exclude.includes(task) && r.n > 0)
      rows.push({ priority: r.priority, task, state: r.state, n: r.n, estimated: est });
  };
  for (const r of others.rows) add(r, false);
  for (const r of exactRows) add(r, false);
  for (const r of estimatedRows) add(r, true);
  const due = priorities.rows.map((p) => p.oldest).filter((s): s is number => s !== null && s >= 0);
  return {
    rows,
    oldestWaitingSeconds: due.length ? Math.max(...due) : null,
    sampledPercent: estimatedRows.length ? sample.percent : null,
  };
}

/**
 * Waiting and scheduled jobs, estimated from a fixed sample of pages: `SAMPLE_CHUNKS` runs of
 * consecutive pages spread evenly over the table (each read by a TID range scan), scaled by pages
 * in the table ÷ pages read. It needs no statistics (which lag behind a queue that was just
 * drained or filled) and reads the same pages each time, so an estimate moves smoothly. A table
 * of `SAMPLE_PAGES` pages or fewer is read whole.
 */
async function sampleFresh(client: Queryable) {
  const { rows: size } = await client.query<{ pages: number }>(
    "SELECT (pg_relation_size('graphile_worker._private_jobs') / current_setting('block_size')::int)::int AS pages",
  );
  const pages = size[0]!.pages;
  const chunk = SAMPLE_PAGES / SAMPLE_CHUNKS;
  const whole = pages <= SAMPLE_PAGES;
  // Integers computed here, so the TID literals are safe to inline (and constant, as a TID range
  // scan needs).
  const ranges = whole
    ? ["TRUE"]
    : Array.from({ length: SAMPLE_CHUNKS }, (_, i) => {
        const start = Math.floor((i * pages) / SAMPLE_CHUNKS);
        return `ctid >= '(${start},0)'::tid AND ctid < '(${start + chunk},0)'::tid`;
      });
  const percent = whole ? 100 : (SAMPLE_PAGES / pages) * 100;
  // Grouped by booleans, not state names: hashing a few thousand short keys is most of the cost.
  const { rows } = await client.query<{
    priority: number;
    task_id: number;
    fresh: boolean;
    later: boolean;
    n: number;
  }>(
    `SELECT priority, task_id, (is_available AND attempts = 0) AS fresh, run_at > now() AS later, count(*)::int AS n
     FROM (${ranges
       .map(
         (r) =>
           `SELECT priority, task_id, is_available, attempts, run_at FROM graphile_worker._private_jobs WHERE ${r}`,
       )
       .join(" UNION ALL ")}) s
     GROUP BY 1, 2, 3, 4`,
  );
  const scale = 100 / percent;
  return {
    percent: Math.round(percent * 100) / 100,
    rows: rows
      .filter((r) => r.fresh)
      .map((r) => ({
        priority: r.priority,
        task_id: r.task_id,
        state: (r.later ? "scheduled" : "waiting") as QueueState,
        n: roundEstimate(r.n * scale),
      })),
  };
}

/** Three significant figures: an estimate should not pretend to more. */
export function roundEstimate(n: number): number {
  if (n < 1000) return Math.round(n);
  const unit = 10 ** (Math.floor(Math.log10(n)) - 2);
  return Math.round(n / unit) * unit;
}
