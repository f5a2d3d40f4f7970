import { recordAudit } from "@/audit/audit";
import { type Actor, SYSTEM } from "@/auth/actor";
import { pool } from "@/db/pool";
import { getRetentionSettings, type RetentionSettings } from "./catalog";
import { backupStorage } from "./storage";

/**
 * Retention: keep the newest successful backup of each of the last `keepDaily` days and of each of
 * the last `keepWeekly` ISO weeks (UTC); failed backups are kept for `keepDaily` days so their
 * errors stay visible. Never deletes a queued or running backup, nor the only verified one.
 */
export interface RetentionCandidate {
  id: string;
  status: string;
  createdAt: Date;
  verifyOk: boolean | null;
}

const day = (d: Date) => d.toISOString().slice(0, 10);
function isoWeek(d: Date): string {
  const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  return day(monday);
}

/** The pure rule: which backups to delete. */
export function backupsToDelete(
  backups: RetentionCandidate[],
  settings: RetentionSettings,
  now = new Date(),
): string[] {
  const newestFirst = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const keep = new Set<string>();
  const keepNewestPer = (bucket: (d: Date) => string, count: number) => {
    const seen = new Set<string>();
    for (const b of newestFirst) {
      if (b.status !== "succeeded") continue;
      const k = bucket(b.createdAt);
      if (seen.has(k)) continue;
      if (seen.size >= count) break;
      seen.add(k);
      keep.add(b.id);
    }
  };
  keepNewestPer(day, settings.keepDaily);
  keepNewestPer(isoWeek, settings.keepWeekly);
  const failedCutoff = now.getTime() - Math.max(1, settings.keepDaily) * 86_400_000;
  for (const b of newestFirst) {
    if (b.status === "queued" || b.status === "running") keep.add(b.id);
    if (b.status === "failed" && b.createdAt.getTime() >= failedCutoff) keep.add(b.id);
  }
  if (!newestFirst.some((b) => keep.has(b.id) && b.verifyOk === true)) {
    const verified = newestFirst.find((b) => b.verifyOk === true && b.status === "succeeded");
    if (verified) keep.add(verified.id);
  }
  return newestFirst.filter((b) => !keep.has(b.id)).map((b) => b.id);
}

/** Applies the retention policy: deletes the archives and catalog rows it no longer keeps. */
export async function applyRetention(
  actor: Actor = SYSTEM,
  now = new Date(),
): Promise<{ deleted: string[]; kept: number }> {
  const settings = await getRetentionSettings();
  const { rows } = await pool().query<RetentionCandidate>(
    `SELECT id, status, created_at AS "createdAt", verify_ok AS "verifyOk" FROM app.backups`,
  );
  const doomed = backupsToDelete(rows, settings, now);
  const storage = backupStorage();
  for (const id of doomed) {
    await storage.remove(id);
    const client = await pool().connect();
    try {
      await client.query("BEGIN");
      await client.query("DELETE FROM app.backups WHERE id = $1", [id]);
      await recordAudit(actor, "backup.retention_delete", { type: "backup", id }, { ...settings }, client);
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
  return { deleted: doomed, kept: rows.length - doomed.length };
}
