import { z } from "zod";
import { pool } from "@/db/pool";
import { reusedFor } from "@/server/reuse";
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
export const RATE_JOBS = 20_000;
/** Pages of app.jobs an estimated backlog reads. */
const SAMPLE_PAGES = 1_500;

type Queryable = ReturnType<typeof pool>;

/**
 * Jobs per priority that finished and that arrived, per minute, over the window. At most the newest
 * `RATE_JOBS` of each are read: when more came, both rates are measured over the shorter span those
 * cover (the same span for both, so their difference stays fair). Exact either way, and it costs
 * what 20,000 index entries cost however busy the window was.
 */
async function rates(db: Queryable, windowMinutes: number) {
  const { rows } = await db.query<{
    kind: "span" | "finished" | "arrived";
    priority: Priority | null;
    n: number;
    secs: number;
  }>(
    `WITH f AS (SELECT priority, finished_at AS at FROM app.jobs
                WHERE finished_at > now() - make_interval(mins => $1) ORDER BY finished_at DESC LIMIT $2),
          a AS (SELECT priority, created_at AS at FROM app.jobs
                WHERE created_at > now() - make_interval(mins => $1) ORDER BY created_at DESC LIMIT $2),
          s AS (SELECT LEAST($1 * 60.0,
                  CASE WHEN (SELECT count(*) FROM f) >= $2 THEN EXTRACT(EPOCH FROM now() - (SELECT min(at) FROM f)) END,
                  CASE WHEN (SELECT count(*) FROM a) >= $2 THEN EXTRACT(EPOCH FROM now() - (SELECT min(at) FROM a)) END
                )::float8 AS secs)
     SELECT 'span' AS kind, NULL AS priority, 0 AS n, s.secs FROM s
     UNION ALL
     SELECT 'finished', f.priority, count(*)::int, 0 FROM f, s WHERE f.at >= now() - make_interval(secs => s.secs) GROUP BY 2
     UNION ALL
     SELECT 'arrived', a.priority, count(*)::int, 0 FROM a, s WHERE a.at >= now() - make_interval(secs => s.secs) GROUP BY 2`,
    [windowMinutes, RATE_JOBS],
  );
  const minutes = Math.max(1 / 60, (rows.find((r) => r.kind === "span")?.secs ?? windowMinutes * 60) / 60);
  const perMinute = (kind: "finished" | "arrived", p: Priority) =>
    (rows.find((r) => r.kind === kind && r.priority === p)?.n ?? 0) / minutes;
  return { minutes, perMinute };
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
  measuredOverMinutes: number;
  priorities: DrainForecast[];
}> {
  const { windowMinutes } = forecastInput.parse(input);
  const db = pool();
  const [backlog, rate] = await Promise.all([backlogs(db), rates(db, windowMinutes)]);
  const now = Date.now();
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    windowMinutes,
    measuredOverMinutes: round(rate.minutes),
    priorities: PRIORITIES.map((priority) => {
      const { n, estimated } = backlog(priority);
      const finishedPerMinute = rate.perMinute("finished", priority);
      const arrivedPerMinute = rate.perMinute("arrived", priority);
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

const reuse = reusedFor<Awaited<ReturnType<typeof drainForecast>>, number>();

/**
 * The forecast for the console, which refetches it with every live snapshot: one computation per
 * window and `maxAgeMs` for every browser this process serves. A rate over minutes moves slowly,
 * so a few seconds' age costs nothing in truth and saves the queue most of the reads.
 */
export function sharedForecast(input: z.input<typeof forecastInput> = {}, maxAgeMs = 5_000) {
  const { windowMinutes } = forecastInput.parse(input);
  return reuse(windowMinutes, maxAgeMs, () => drainForecast({ windowMinutes }));
}
