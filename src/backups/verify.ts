import { randomBytes } from "node:crypto";
import { recordAudit } from "@/audit/audit";
import type { Actor } from "@/auth/actor";
import { pool } from "@/db/pool";
import { enqueueJob } from "@/queue/jobs";
import { AppError } from "@/server/errors";
import { publishLive } from "@/server/live";
import { checkChecksums, readArchive } from "./archive";
import { getBackup } from "./catalog";
import { copyPartInto, keyForManifest } from "./parts";
import { checkedType, quoteName } from "./sql";

export interface VerifyResult {
  ok: boolean;
  message: string;
  tables: number;
  rows: number;
}

/**
 * Verify: every part's SHA-256 against the manifest, then a trial restore of every table into a
 * scratch schema (inside a transaction that is always rolled back) with row counts compared to the
 * manifest. The outcome is recorded on the backup either way.
 */
export async function verifyBackup(id: string, actor: Actor): Promise<VerifyResult> {
  const backup = await getBackup(id);
  if (backup.status !== "succeeded") {
    throw new AppError(
      "CONFLICT",
      `Backup ${id} is ${backup.status}; only a finished backup can be verified`,
    );
  }
  let result: VerifyResult;
  try {
    const manifest = await checkChecksums(id);
    const key = keyForManifest(manifest);
    const scratch = quoteName(`sluice_verify_${randomBytes(6).toString("hex")}`);
    const client = await pool().connect();
    let rows = 0;
    try {
      await client.query("BEGIN");
      await client.query(`CREATE SCHEMA ${scratch}`);
      await readArchive(
        id,
        () => undefined,
        async (part, stream) => {
          const table = `${scratch}.${quoteName(`t${part.file.slice(6, 10)}`)}`;
          const cols = part.columns.map((c) => `${quoteName(c.name)} ${checkedType(c.type)}`).join(", ");
          await client.query(`CREATE TABLE ${table} (${cols})`);
          rows += await copyPartInto(client, id, part, stream, key, table, manifest.compression);
        },
      );
    } finally {
      await client.query("ROLLBACK").catch(() => undefined);
      client.release();
    }
    result = {
      ok: true,
      message: `Checksums match; trial restore of ${manifest.parts.length} tables (${rows} rows) matches the manifest`,
      tables: manifest.parts.length,
      rows,
    };
  } catch (err) {
    if (!(err instanceof AppError) && !(err instanceof Error)) throw err;
    result = { ok: false, message: err.message, tables: 0, rows: 0 };
  }
  const client = await pool().connect();
  try {
    await client.query("BEGIN");
    await client.query(
      "UPDATE app.backups SET verified_at = now(), verify_ok = $2, verify_message = $3 WHERE id = $1",
      [id, result.ok, result.message],
    );
    await recordAudit(
      actor,
      "backup.verify",
      { type: "backup", id },
      { ok: result.ok, message: result.message },
      client,
    );
    await publishLive(
      { type: "backup", backupId: id, status: result.ok ? "verified" : "verify_failed" },
      client,
    );
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return result;
}

/** "Verify" button / POST …/verify: queues the check as a job and answers at once. */
export async function requestVerify(id: string, actor: Actor): Promise<{ backupId: string; jobId: string }> {
  const backup = await getBackup(id);
  if (backup.status !== "succeeded") {
    throw new AppError(
      "CONFLICT",
      `Backup ${id} is ${backup.status}; only a finished backup can be verified`,
    );
  }
  const job = await enqueueJob(
    { task: "backup_verify", payload: { backupId: id }, priority: "high", maxAttempts: 1 },
    actor,
  );
  return { backupId: id, jobId: job.id };
}
