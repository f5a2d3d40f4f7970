import { CronExpressionParser } from "cron-parser";
import cronstrue from "cronstrue";
import { AppError } from "@/server/errors";

/**
 * Cron expressions as schedules use them: five fields (minute hour day-of-month month
 * day-of-week), always UTC, the same as Graphile Worker's crontab.
 */
export function checkCron(expression: string): string {
  const cron = expression.trim().replace(/\s+/g, " ");
  const fields = cron.split(" ");
  if (fields.length !== 5) {
    throw new AppError(
      "BAD_REQUEST",
      `cron: "${expression}" has ${fields.length} field${fields.length === 1 ? "" : "s"}; a schedule needs 5 (minute hour day-of-month month day-of-week), e.g. "0 4 * * *" for 04:00 UTC daily`,
    );
  }
  try {
    CronExpressionParser.parse(cron, { tz: "UTC", strict: false });
  } catch (err) {
    throw new AppError(
      "BAD_REQUEST",
      `cron: "${expression}" is not a valid expression: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return cron;
}

/** The first fire time strictly after `after`. */
export function nextFireAfter(cron: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { tz: "UTC", currentDate: after }).next().toDate();
}

/** "At 04:00", "Every 4 hours", … (UTC). */
export function describeCron(cron: string): string {
  try {
    return `${cronstrue.toString(cron, { use24HourTimeFormat: true, verbose: false })} (UTC)`;
  } catch {
    return cron;
  }
}
