import type pg from "pg";
import type { z } from "zod";
import { isTaskName, taskPayloads } from "@/queue/tasks";
import { nextFireAfter } from "./cron";

/**
 * Sluice's default schedules. Each is seeded only when its task exists in this build (backups,
 * quality checks and metrics come from their own parts of Sluice), so the list grows as they land.
 * Seeding never overwrites: an admin's re-timing or disabling of a default stays.
 */
export const DEFAULT_SCHEDULES = [
  {
    name: "production-quality-check",
    description: "Data-quality check of every production table",
    cron: "0 */4 * * *",
    task: "quality_production_check",
  },
  { name: "nightly-backup", description: "Backup of Sluice's data", cron: "0 4 * * *", task: "backup" },
  {
    name: "backup-retention",
    description: "Removes backups the retention policy no longer keeps",
    cron: "30 4 * * *",
    task: "backup_retention",
  },
  {
    name: "metrics-rollup",
    description: "Rolls queue metrics up into hourly and daily figures",
    cron: "5 * * * *",
    task: "metrics_rollup",
  },
  {
    name: "schedule-history-prune",
    description: "Removes schedule runs and pull history older than 90 days",
    cron: "15 3 * * *",
    task: "schedule_history_prune",
  },
] as const;

export async function seedDefaultSchedules(
  db: Pick<pg.Pool, "query">,
  taskExists: (task: string) => boolean = isTaskName,
): Promise<string[]> {
  const seeded: string[] = [];
  for (const d of DEFAULT_SCHEDULES) {
    if (!taskExists(d.task) || !isTaskName(d.task)) continue;
    // A default runs with an empty payload: only tasks whose payload needs nothing else qualify.
    const schema = taskPayloads[d.task] as z.ZodObject<z.ZodRawShape>;
    if (!schema.omit({ jobId: true }).safeParse({}).success) {
      console.warn(`[schedules] default ${d.name} not seeded: task ${d.task} needs a payload`);
      continue;
    }
    const { rowCount } = await db.query(
      `INSERT INTO app.schedules (name, description, cron, task, system, next_fire_at)
       VALUES ($1, $2, $3, $4, true, $5) ON CONFLICT (name) DO NOTHING`,
      [d.name, d.description, d.cron, d.task, nextFireAfter(d.cron, new Date())],
    );
    if (rowCount) seeded.push(d.name);
  }
  return seeded;
}
