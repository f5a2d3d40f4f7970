import { z } from "zod";
import { pool } from "@/db/pool";
import { PRIORITIES, type Priority } from "./priorities";

/**
 * When each priority's backlog will be empty at the current pace: the backlog (queued and running
 * Sluice jobs), throughput (jobs finished in the last `windowMinutes`) and arrivals (jobs created
 * in that window). Growing when more arrive than finish.
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

export async function drainForecast(input: z.input<typeof forecastInput> = {}): Promise<{
  windowMinutes: number;
  priorities: DrainForecast[];
}> {
  const { windowMinutes } = forecastInput.parse(input);
  const db = pool();
  const [backlog, finished, arrived] = await Promise.all([
    db.query<{ priority: Priority; n: number }>(
      "SELECT priority, count(*)::int AS n FROM app.jobs WHERE status IN ('queued', 'running') GROUP BY 1",
    ),
    db.query<{ priority: Priority; n: number }>(
      `SELECT priority, count(*)::int AS n FROM app.jobs
       WHERE finished_at IS NOT NULL AND finished_at > now() - make_interval(mins => $1) GROUP BY 1`,
      [windowMinutes],
    ),
    db.query<{ priority: Priority; n: number }>(
      `SELECT priority, count(*)::int AS n FROM app.jobs
       WHERE created_at > now() - make_interval(mins => $1) GROUP BY 1`,
      [windowMinutes],
    ),
  ]);
  const get = (r: { rows: { priority: Priority; n: number }[] }, p: Priority) =>
    r.rows.find((x) => x.priority === p)?.n ?? 0;
  const now = Date.now();
  return {
    windowMinutes,
    priorities: PRIORITIES.map((priority) => {
      const n = get(backlog, priority);
      const finishedPerMinute = get(finished, priority) / windowMinutes;
      const arrivedPerMinute = get(arrived, priority) / windowMinutes;
      const net = arrivedPerMinute - finishedPerMinute;
      // While work arrives, only the surplus of completions drains the backlog.
      const drainSeconds = n === 0 ? 0 : net < 0 ? Math.round((n / -net) * 60) : null;
      return {
        priority,
        backlog: n,
        finishedPerMinute: Math.round(finishedPerMinute * 10) / 10,
        arrivedPerMinute: Math.round(arrivedPerMinute * 10) / 10,
        netPerMinute: Math.round(net * 10) / 10,
        growing: n > 0 && net > 0,
        drainSeconds,
        emptyAt: drainSeconds === null ? null : new Date(now + drainSeconds * 1000).toISOString(),
      };
    }),
  };
}
