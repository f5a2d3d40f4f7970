import { type CronItem, type ParsedCronItem, parseCronItems } from "graphile-worker";
import { HOUSEKEEPING_PRIORITY } from "@/metrics/samples";

/**
 * Housekeeping on Graphile Worker's own crontab: each item runs once per tick across all workers
 * (Graphile records the last run in the database), and missed ticks are not backfilled. Kept in
 * this one place so a database scheduler can take these over by task name.
 */
export const HOUSEKEEPING_CRON: CronItem[] = [
  {
    task: "metrics_sample",
    match: "* * * * *",
    identifier: "metrics_sample",
    options: housekeeping("metrics_sample"),
  },
  {
    task: "metrics_rollup",
    match: "*/5 * * * *",
    identifier: "metrics_rollup",
    options: housekeeping("metrics_rollup"),
  },
  {
    task: "alerts_evaluate",
    match: "* * * * *",
    identifier: "alerts_evaluate",
    options: housekeeping("alerts_evaluate"),
  },
];

/**
 * Ahead of every queue (a backlog of a million standard jobs must not delay the sample that
 * charts it, nor the alert about it), and one pending run at most: a late tick replaces the
 * previous one instead of piling up.
 */
function housekeeping(key: string): CronItem["options"] {
  return {
    priority: HOUSEKEEPING_PRIORITY,
    jobKey: `cron:${key}`,
    jobKeyMode: "replace",
    maxAttempts: 3,
    backfillPeriod: 0,
  };
}

/**
 * One item fires every schedule in app.schedules (Graphile's known_crontabs makes each minute's tick
 * run once across all workers; no backfill, since the tick catches up by itself).
 */
const SCHEDULE_TICK: CronItem = {
  task: "schedule_tick",
  match: "* * * * *",
  identifier: "schedule_tick",
  options: { backfillPeriod: 0 },
};

export function scheduleCron(opts: { housekeeping: boolean }): ParsedCronItem[] {
  return parseCronItems([SCHEDULE_TICK, ...(opts.housekeeping ? HOUSEKEEPING_CRON : [])]);
}
