import type { JobHelpers, Task } from "graphile-worker";
import { SYSTEM } from "@/auth/actor";
import { insertBackupRow } from "@/backups/catalog";
import { runBackup } from "@/backups/engine";
import { applyRetention } from "@/backups/retention";
import { verifyBackup } from "@/backups/verify";
import { pool } from "@/db/pool";
import { PermanentJobError } from "@/queue/errors";
import { enqueueJob, markJobFailed, markJobRunning, markJobSucceeded } from "@/queue/jobs";
import { type TaskName, taskPayloads } from "@/queue/tasks";
import { recordJobOutcome } from "@/queue/worker-registry";
import { publishLive } from "@/server/live";
import { sluiceTask, type WorkerContext } from "../sluice-task";

/**
 * Backup tasks. `backup` and `backup_retention` may be fired by a schedule with a bare payload
 * (`{}`): they then record their own Sluice job so the run shows in the console like any other.
 * Neither is retried: a backup that failed is recorded as failed and the next one starts afresh.
 */
async function startJob(
  helpers: JobHelpers,
  ctx: WorkerContext,
  task: TaskName,
  jobId?: string,
): Promise<string> {
  if (jobId) {
    await helpers.withPgClient((c) => markJobRunning(c, jobId, ctx.workerProcessId));
    return jobId;
  }
  const { rows } = await pool().query<{ id: string }>(
    `INSERT INTO app.jobs (id, type, status, started_at, attempts, worker_id, payload)
     VALUES (gen_random_uuid(), $1, 'running', now(), 1, $2, '{}') RETURNING id`,
    [task, ctx.workerProcessId],
  );
  await publishLive({ type: "job", jobId: rows[0]!.id, status: "running" }, pool());
  return rows[0]!.id;
}

async function finish(
  helpers: JobHelpers,
  ctx: WorkerContext,
  jobId: string,
  outcome: { counts?: object; error?: string },
) {
  await helpers.withPgClient(async (c) => {
    if (outcome.error === undefined) await markJobSucceeded(c, jobId, outcome.counts ?? {});
    else await markJobFailed(c, jobId, outcome.error, true);
    await recordJobOutcome(c, ctx.workerProcessId, outcome.error === undefined);
  });
}

export const backup =
  (ctx: WorkerContext): Task =>
  async (raw, helpers) => {
    const parsed = taskPayloads.backup.safeParse(raw ?? {});
    if (!parsed.success) {
      helpers.logger.error(`backup: invalid payload: ${parsed.error.message}`);
      return;
    }
    const p = parsed.data;
    const jobId = await startJob(helpers, ctx, "backup", p.jobId);
    const scheduled = !p.backupId;
    try {
      const backupId =
        p.backupId ??
        (await insertBackupRow(pool(), {
          trigger: "schedule",
          reason: p.reason ?? "Scheduled backup",
          actor: SYSTEM,
          jobId,
        }));
      await pool().query("UPDATE app.jobs SET payload = $2 WHERE id = $1", [
        jobId,
        JSON.stringify({ ...p, backupId, jobId }),
      ]);
      const manifest = await runBackup(backupId);
      const rows = manifest.parts.reduce((n, part) => n + part.rows, 0);
      await finish(helpers, ctx, jobId, { counts: { backupId, tables: manifest.parts.length, rows } });
      if (scheduled) {
        await enqueueJob(
          { task: "backup_verify", payload: { backupId }, priority: "background", maxAttempts: 1 },
          SYSTEM,
        );
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      helpers.logger.error(`backup: ${message}`);
      await finish(helpers, ctx, jobId, { error: message });
    }
  };

export const backupVerify = sluiceTask("backup_verify", async (p) => {
  const result = await verifyBackup(p.backupId, SYSTEM);
  if (!result.ok) throw new PermanentJobError(`Verify failed: ${result.message}`);
  return { backupId: p.backupId, tables: result.tables, rows: result.rows };
});

export const backupRetention =
  (ctx: WorkerContext): Task =>
  async (raw, helpers) => {
    const parsed = taskPayloads.backup_retention.safeParse(raw ?? {});
    if (!parsed.success) {
      helpers.logger.error(`backup_retention: invalid payload: ${parsed.error.message}`);
      return;
    }
    const jobId = await startJob(helpers, ctx, "backup_retention", parsed.data.jobId);
    try {
      const result = await applyRetention(SYSTEM);
      await finish(helpers, ctx, jobId, { counts: { deleted: result.deleted.length, kept: result.kept } });
    } catch (err) {
      await finish(helpers, ctx, jobId, { error: err instanceof Error ? err.message : String(err) });
    }
  };
