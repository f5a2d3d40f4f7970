import { type CronItem, type ParsedCronItem, parseCronItems } from "graphile-worker";

/**
 * Housekeeping on Graphile Worker's own crontab: each item runs once per tick across all workers
 * (Graphile records the last run in the database), and missed ticks are not backfilled. Kept in
 * this one place so a database scheduler can take these over by task name.
 */
export const HOUSEKEEPING_CRON: CronItem[] = [
  { task: "metrics_sample", match: "* * * * *", identifier: "metrics_sample" },
  { task: "metrics_rollup", match: "*/5 * * * *", identifier: "metrics_rollup" },
  { task: "alerts_evaluate", match: "* * * * *", identifier: "alerts_evaluate" },
];

export function housekeepingCron(): ParsedCronItem[] {
  return parseCronItems(HOUSEKEEPING_CRON);
}
