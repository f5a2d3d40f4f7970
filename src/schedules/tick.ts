import type pg from "pg";
import { withTransaction } from "@/db/transaction";
import { type FiringSchedule, startRun } from "./chain";
import { nextFireAfter } from "./cron";

/**
 * The one crontab item's work (task `schedule_tick`, every minute): fire every enabled schedule
 * whose next fire time has come, each in its own transaction. `FOR UPDATE SKIP LOCKED` hands each
 * due schedule to one ticking worker; the run's (schedule, fire time) key makes a repeated firing a
 * no-op. A schedule that missed several times (workers were down) fires once, then counts from now.
 */
export async function fireDueSchedules(
  db: pg.Pool,
  now: () => Date = () => new Date(),
): Promise<{ fired: { schedule: string; runId: string; jobId: string | null }[] }> {
  const fired: { schedule: string; runId: string; jobId: string | null }[] = [];
  for (let i = 0; i < 1000; i++) {
    const done = await withTransaction(db, async (client) => {
      const { rows } = await client.query<FiringSchedule & { cron: string; next_fire_at: Date }>(
        `SELECT id, name, cron, task, payload, steps, priority, next_fire_at FROM app.schedules
         WHERE enabled AND next_fire_at <= $1 ORDER BY next_fire_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [now()],
      );
      const s = rows[0];
      if (!s) return true;
      const run = await startRun(client, s, {
        firedAt: s.next_fire_at,
        trigger: "cron",
        triggeredBy: "cron",
      });
      await client.query("UPDATE app.schedules SET next_fire_at = $2 WHERE id = $1", [
        s.id,
        nextFireAfter(s.cron, now()),
      ]);
      if (run) fired.push({ schedule: s.name, runId: run.runId, jobId: run.jobId });
      return false;
    });
    if (done) break;
  }
  return { fired };
}
