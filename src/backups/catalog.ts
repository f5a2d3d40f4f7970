import { rm } from "node:fs/promises";
import type pg from "pg";
import { z } from "zod";
import { recordAudit } from "@/audit/audit";
import { type Actor, actorLabel } from "@/auth/actor";
import { pool } from "@/db/pool";
import { enqueueJob } from "@/queue/jobs";
import { AppError } from "@/server/errors";
import { publishLive } from "@/server/live";
import { backupStorage } from "./storage";

/** The backup catalog (app.backups): what exists, how it went, whether it verified. */
export const backupIdSchema = z.uuid("not a backup id");
export const createBackupInput = z.object({
  reason: z.string().trim().max(500, "reason: at most 500 characters").optional(),
});

export interface BackupRow {
  id: string;
  status: "queued" | "running" | "succeeded" | "failed";
  trigger: "manual" | "schedule";
  engine: string;
  reason: string | null;
  jobId: string | null;
  createdBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  snapshotAt: string | null;
  durationMs: number | null;
  sizeBytes: number | null;
  tables: number | null;
  totalRows: number | null;
  rowCounts: Record<string, number>;
  schemaVersion: string | null;
  encrypted: boolean;
  progress: BackupProgress;
  error: string | null;
  verifiedAt: string | null;
  verifyOk: boolean | null;
  verifyMessage: string | null;
}

export interface BackupProgress {
  tablesDone?: number;
  tablesTotal?: number;
  bytes?: number;
  rows?: number;
  bytesPerSecond?: number;
  table?: string;
}

const SELECT = `SELECT id, status, trigger, engine, reason, job_id AS "jobId", created_by AS "createdBy",
  created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt", snapshot_at AS "snapshotAt",
  duration_ms AS "durationMs", size_bytes::float8 AS "sizeBytes", tables, total_rows::float8 AS "totalRows",
  row_counts AS "rowCounts", schema_version AS "schemaVersion", encrypted, progress, error,
  verified_at AS "verifiedAt", verify_ok AS "verifyOk", verify_message AS "verifyMessage" FROM app.backups`;

type Queryable = Pick<pg.ClientBase, "query">;

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string | null));

function toRow(r: Record<string, unknown>): BackupRow {
  return {
    ...(r as unknown as BackupRow),
    createdAt: iso(r.createdAt)!,
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    snapshotAt: iso(r.snapshotAt),
    verifiedAt: iso(r.verifiedAt),
  };
}

export async function listBackups(client: Queryable = pool()): Promise<BackupRow[]> {
  const { rows } = await client.query(`${SELECT} ORDER BY created_at DESC LIMIT 500`);
  return rows.map(toRow);
}

export async function getBackup(id: string, client: Queryable = pool()): Promise<BackupRow> {
  const { rows } = await client.query(`${SELECT} WHERE id = $1`, [backupIdSchema.parse(id)]);
  if (!rows[0]) throw new AppError("NOT_FOUND", `No backup ${id}`);
  return toRow(rows[0]);
}

/** A backup already queued or running, if any: only one runs at a time. */
export async function activeBackup(client: Queryable = pool()): Promise<BackupRow | null> {
  const { rows } = await client.query(
    `${SELECT} WHERE status IN ('queued', 'running') ORDER BY created_at LIMIT 1`,
  );
  return rows[0] ? toRow(rows[0]) : null;
}

/** Inserts the catalog row of a new backup (inside the caller's transaction when given). */
export async function insertBackupRow(
  client: Queryable,
  opts: {
    id?: string;
    trigger: "manual" | "schedule";
    reason: string | null;
    actor: Actor;
    jobId: string | null;
  },
): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO app.backups (id, trigger, reason, job_id, created_by_id, created_by, encrypted)
     VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      opts.id ?? null,
      opts.trigger,
      opts.reason,
      opts.jobId,
      opts.actor.kind === "user" ? opts.actor.id : null,
      actorLabel(opts.actor),
      Boolean(process.env.BACKUP_ENCRYPTION_KEY),
    ],
  );
  return rows[0]!.id;
}

/**
 * "Create now": refuses (409) while another backup is queued or running, otherwise records the
 * backup and queues the `backup` task in one transaction. Answers the ids at once (202).
 */
export async function requestBackup(
  input: z.input<typeof createBackupInput>,
  actor: Actor,
): Promise<{ backupId: string; jobId: string }> {
  const { reason } = createBackupInput.parse(input);
  await failInterruptedBackups();
  const running = await activeBackup();
  if (running) {
    throw new AppError(
      "CONFLICT",
      `Backup ${running.id} is already ${running.status}; only one backup runs at a time. Wait for it to finish, then try again.`,
    );
  }
  let backupId = "";
  const job = await enqueueJob(
    {
      task: "backup",
      priority: "high",
      maxAttempts: 1,
      payload: async (tx, jobId) => {
        const rows = await tx.$queryRaw<{ id: string }[]>`
          INSERT INTO app.backups (trigger, reason, job_id, created_by_id, created_by, encrypted)
          VALUES ('manual', ${reason || null}, ${jobId}::uuid, ${actor.kind === "user" ? actor.id : null}::uuid,
                  ${actorLabel(actor)}, ${Boolean(process.env.BACKUP_ENCRYPTION_KEY)})
          RETURNING id`;
        backupId = rows[0]!.id;
        await recordAudit(
          actor,
          "backup.create",
          { type: "backup", id: backupId },
          { reason: reason ?? null },
          tx,
        );
        return { backupId };
      },
    },
    actor,
  );
  return { backupId, jobId: job.id };
}

/** Progress on the backup and on its job (so the job page's bar moves too), both live. */
export async function updateProgress(
  id: string,
  jobId: string | null,
  progress: BackupProgress,
): Promise<void> {
  await pool().query("UPDATE app.backups SET progress = $2 WHERE id = $1", [id, JSON.stringify(progress)]);
  await publishLive({ type: "backup", backupId: id, status: "running", ...progress }, pool());
  if (jobId && progress.tablesTotal) {
    const fraction = Math.min(0.99, (progress.tablesDone ?? 0) / progress.tablesTotal);
    await pool().query(
      "UPDATE app.jobs SET progress = $2, counts = $3 WHERE id = $1 AND status = 'running'",
      [
        jobId,
        fraction,
        JSON.stringify({
          tablesDone: progress.tablesDone,
          tablesTotal: progress.tablesTotal,
          bytes: progress.bytes,
        }),
      ],
    );
    await publishLive({ type: "job", jobId, status: "running", progress: fraction }, pool());
  }
}

/**
 * A backup whose job ended without it (its worker died and the job was failed, or it was
 * cancelled while queued) would block every later one: it is marked failed, its leftovers removed.
 */
export async function failInterruptedBackups(): Promise<string[]> {
  const { rows } = await pool().query<{ id: string }>(
    `UPDATE app.backups b SET status = 'failed', finished_at = now(),
       error = 'Interrupted: its job ended (worker stopped or job cancelled) before the backup finished'
     WHERE b.status IN ('queued', 'running')
       AND EXISTS (SELECT 1 FROM app.jobs j WHERE j.id = b.job_id AND j.status IN ('failed', 'cancelled', 'succeeded'))
     RETURNING id`,
  );
  const storage = backupStorage();
  for (const { id } of rows) {
    await storage.remove(id).catch(() => undefined);
    await rm(storage.workDir(id), { recursive: true, force: true }).catch(() => undefined);
  }
  return rows.map((r) => r.id);
}

// ---- retention settings ----

export const retentionSettingsSchema = z
  .object({
    keepDaily: z.number().int().min(0, "keepDaily: 0 or more").max(365, "keepDaily: at most 365"),
    keepWeekly: z.number().int().min(0, "keepWeekly: 0 or more").max(520, "keepWeekly: at most 520"),
  })
  .refine((s) => s.keepDaily + s.keepWeekly >= 1, "keep at least one daily or weekly backup");
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;

export async function getRetentionSettings(client: Queryable = pool()) {
  const { rows } = await client.query<RetentionSettings & { updatedAt: Date; updatedBy: string | null }>(
    `SELECT keep_daily AS "keepDaily", keep_weekly AS "keepWeekly", updated_at AS "updatedAt", updated_by AS "updatedBy"
     FROM app.backup_settings WHERE id = 1`,
  );
  return rows[0] ?? { keepDaily: 7, keepWeekly: 4, updatedAt: new Date(0), updatedBy: null };
}

export async function setRetentionSettings(input: unknown, actor: Actor): Promise<RetentionSettings> {
  const s = retentionSettingsSchema.parse(input);
  const client = await pool().connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO app.backup_settings (id, keep_daily, keep_weekly, updated_at, updated_by) VALUES (1, $1, $2, now(), $3)
       ON CONFLICT (id) DO UPDATE SET keep_daily = $1, keep_weekly = $2, updated_at = now(), updated_by = $3`,
      [s.keepDaily, s.keepWeekly, actorLabel(actor)],
    );
    await recordAudit(actor, "backup.retention_settings", null, s, client);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return s;
}
