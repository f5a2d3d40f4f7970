import { z } from "zod";
import { pool } from "@/db/pool";
import { roundEstimate } from "./depth";
import { PRIORITIES, type Priority } from "./priorities";

/**
 * When each priority's backlog will be empty at the current pace: the backlog (queued and running
 * Sluice jobs), throughput (jobs finished in the last `windowMinutes`) and arrivals (jobs created
 * in that window). Growing when more arrive than finish. Bounded reads at any size: see `rates`
 * and `backlogs`.
 */
export const forecastInput = z.object({
  windowMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(5),
});

export interface DrainForecast {
  priority: Priority;
  backlog: number;
  /** The backlog is an estimate (over `EXACT_BACKLOG` jobs of this priority): shown as "≈". */
  backlogEstimated: boolean;
  /** Jobs finished per minute over the window. */
  finishedPerMinute: number;
  arrivedPerMinute: number;
  /** Net change per minute: arrivals minus completions (positive: growing). */
  netPerMinute: number;
  growing: boolean;
  /** Seconds until empty at the net rate; null when it is not draining (or already empty: 0). */
  drainSeconds: number | null;
  emptyAt: string | null;
}

/** Backlogs up to this many jobs per priority are counted exactly; larger ones are estimated. */
export const EXACT_BACKLOG = 20_000;
/** Rates are measured over the window, or over its newest this-many jobs when more came. */
export const RATE_JOBS = 10_000;
/** Pages of app.jobs an estimated backlog reads. */
const SAMPLE_PAGES = 1_500;

type Queryable = ReturnType<typeof pool>;

/**
 * Jobs per priority that finished (or arrived) in the window. At most the newest `RATE_JOBS` are
 * read: when more came, the rate is theirs over the shorter span they cover (still exact, and it
 * costs what 10,000 index entries cost however busy the window was).
 */
async function rates(db: Queryable, column: "finished_at" | "created_at", windowMinutes: number) {
  const { rows } = await db.query<{
    priority: Priority | null;
    n: number;
    total: number;
    span: number | null;
  }>(
    `WITH x AS (SELECT priority, ${column} AS at FROM app.jobs
                WHERE ${column} > now() - make_interval(mins => $1) ORDER BY ${column} DESC LIMIT $2)
     SELECT priority, count(*)::int AS n, (SELECT count(*) FROM x)::int AS total,
       (SELECT EXTRACT(EPOCH FROM now() - min(at)) FROM x)::float8 AS span
     FROM x GROUP BY priority`,
    [windowMinutes, RATE_JOBS],
  );
  const capped = (rows[0]?.total ?? 0) >= RATE_JOBS;
  const minutes = capped ? Math.max(1 / 60, (rows[0]?.span ?? 60) / 60) : windowMinutes;
  return {
    minutes,
    perMinute: (p: Priority) => (rows.find((r) => r.priority === p)?.n ?? 0) / minutes,
  };
}

/** Queued and running Sluice jobs per priority: exact up to `EXACT_BACKLOG`, else estimated. */
async function backlogs(db: Queryable) {
  const { rows } = await db.query<{ priority: Priority; n: number }>(
    `SELECT p AS priority, (SELECT count(*) FROM (SELECT 1 FROM app.jobs j
       WHERE j.status IN ('queued', 'running') AND j.priority = p LIMIT $2) x)::int AS n
     FROM unnest($1::app."Priority"[]) p`,
    [PRIORITIES, EXACT_BACKLOG + 1],
  );
  const result = new Map(rows.map((r) => [r.priority, { n: r.n, estimated: false }]));
  const big = rows.filter((r) => r.n > EXACT_BACKLOG).map((r) => r.priority);
  if (big.length) {
    const { rows: size } = await db.query<{ pages: number }>(
      "SELECT GREATEST(1, pg_relation_size('app.jobs') / current_setting('block_size')::int)::float8 AS pages",
    );
    const percent = Math.min(100, (SAMPLE_PAGES / size[0]!.pages) * 100);
    const sample = await db.query<{ priority: Priority; n: number }>(
      `SELECT priority, count(*)::int AS n FROM app.jobs TABLESAMPLE SYSTEM ($1) REPEATABLE (7)
       WHERE status IN ('queued', 'running') AND priority = ANY($2::app."Priority"[]) GROUP BY 1`,
      [percent, big],
    );
    for (const p of big) {
      const n = (sample.rows.find((r) => r.priority === p)?.n ?? 0) * (100 / percent);
      // Never below what was counted exactly.
      result.set(p, { n: Math.max(EXACT_BACKLOG + 1, roundEstimate(n)), estimated: true });
    }
  }
  return (p: Priority) => result.get(p) ?? { n: 0, estimated: false };
}

export async function drainForecast(input: z.input<typeof forecastInput> = {}): Promise<{
  windowMinutes: number;
  /** The span the rates were measured over: the window, or less when more jobs came than are read. */
  finishedOverMinutes: number;
  arrivedOverMinutes: number;
  priorities: DrainForecast[];
}> {
  const { windowMinutes } = forecastInput.parse(input);
  const db = pool();
  const [backlog, finished, arrived] = await Promise.all([
    backlogs(db),
    rates(db, "finished_at", windowMinutes),
    rates(db, "created_at", windowMinutes),
  ]);
  const now = Date.now();
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    windowMinutes,
    finishedOverMinutes: round(finished.minutes),
    arrivedOverMinutes: round(arrived.minutes),
    priorities: PRIORITIES.map((priority) => {
      const { n, estimated } = backlog(priority);
      const finishedPerMinute = finished.perMinute(priority);
      const arrivedPerMinute = arrived.perMinute(priority);
      const net = arrivedPerMinute - finishedPerMinute;
      // While work arrives, only the surplus of completions drains the backlog.
      const drainSeconds = n === 0 ? 0 : net < 0 ? Math.round((n / -net) * 60) : null;
      return {
        priority,
        backlog: n,
        backlogEstimated: estimated,
        finishedPerMinute: round(finishedPerMinute),
        arrivedPerMinute: round(arrivedPerMinute),
        netPerMinute: round(net),
        growing: n > 0 && net > 0,
        drainSeconds,
        emptyAt: drainSeconds === null ? null : new Date(now + drainSeconds * 1000).toISOString(),
      };
    }),
  };
}
