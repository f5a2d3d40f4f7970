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

export function housekeepingCron(): ParsedCronItem[] {
  return parseCronItems(HOUSEKEEPING_CRON);
}
