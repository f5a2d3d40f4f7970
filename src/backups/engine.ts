import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { pool } from "@/db/pool";
import { AppError } from "@/server/errors";
import { publishLive } from "@/server/live";
import { packArchive } from "./archive";
import { type BackupProgress, getBackup, updateProgress } from "./catalog";
import { blocks, brotli, parallelGzip } from "./compress";
import { backupKey, encryptStream, keyFingerprint } from "./crypto";
import {
  type BackupManifest,
  type BackupPart,
  COMPRESSED_EXTENSION,
  type Compression,
  MANIFEST_FORMAT,
} from "./manifest";
import { APP_TABLES, DATA_SCHEMAS } from "./scope";
import { columnList, tableRef } from "./sql";
import { backupStorage } from "./storage";

/**
 * The built-in engine: one REPEATABLE READ snapshot, every table streamed with `COPY … TO STDOUT`
 * in 1 MB blocks through brotli or gzip on libuv's thread pool (and AES-256-GCM when a key is set)
 * into a part file while its SHA-256 is taken;
 * then the parts and the manifest become one tar in storage. Nothing but the catalog row is
 * written to the database, and a failure leaves no file behind.
 */
const BACKUP_LOCK = 5_110_008; // pg advisory lock id shared by every Sluice process

export interface TableToCopy {
  schema: BackupPart["schema"];
  table: string;
  dataset: string | null;
  columns: { name: string; type: string }[];
}

/** The latest migration applied: what a backup's data is shaped by. */
export async function schemaVersion(client: Pick<pg.ClientBase, "query"> = pool()): Promise<string> {
  const { rows } = await client.query<{ v: string | null }>(
    `SELECT max(migration_name) AS v FROM public._prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  return rows[0]?.v ?? "none";
}

/** Every table a backup holds, app tables first in foreign-key order, with their columns. */
export async function tablesToCopy(client: Pick<pg.ClientBase, "query">): Promise<TableToCopy[]> {
  const { rows } = await client.query<{
    schema: string;
    table: string;
    columns: { name: string; type: string }[];
  }>(
    `SELECT n.nspname AS schema, c.relname AS table,
       (SELECT json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)
          FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '') AS columns
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND (n.nspname = ANY($1) OR (n.nspname = 'app' AND c.relname = ANY($2)))
     ORDER BY n.nspname, c.relname`,
    [DATA_SCHEMAS, APP_TABLES.map((t) => t.table)],
  );
  const app = APP_TABLES.flatMap((t) => rows.filter((r) => r.schema === "app" && r.table === t.table));
  const data = rows.filter((r) => r.schema !== "app").sort((a, b) => a.table.localeCompare(b.table));
  return [...app, ...data].map((r) => ({
    schema: r.schema as TableToCopy["schema"],
    table: r.table,
    dataset: r.schema === "app" ? null : r.table,
    columns: r.columns,
  }));
}

function gzipLevel(): number {
  const v = Number(process.env.BACKUP_GZIP_LEVEL);
  return Number.isInteger(v) && v >= 1 && v <= 9 ? v : 1;
}

/** BACKUP_COMPRESSION: brotli (the default, fastest here) or gzip (what every tool reads). */
export function compression(): Compression {
  const v = process.env.BACKUP_COMPRESSION;
  if (v === "gzip" || v === "brotli") return v;
  if (v)
    throw new AppError("CONFLICT", `BACKUP_COMPRESSION must be brotli or gzip, not ${JSON.stringify(v)}`);
  return "brotli";
}

/** Runs the backup the catalog row `id` describes. Throws after recording the failure. */
export async function runBackup(id: string): Promise<BackupManifest> {
  const started = Date.now();
  const backup = await getBackup(id);
  const storage = backupStorage();
  const workDir = storage.workDir(id);
  await pool().query(
    "UPDATE app.backups SET status = 'running', started_at = now(), error = NULL WHERE id = $1",
    [id],
  );
  await publishLive({ type: "backup", backupId: id, status: "running" }, pool());
  let client: pg.PoolClient | undefined;
  let inTransaction = false;
  try {
    const key = backupKey(false);
    const kind = compression();
    await pool().query("UPDATE app.backups SET encrypted = $2 WHERE id = $1", [id, key !== null]);
    client = await pool().connect();
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    inTransaction = true;
    const { rows: lock } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS ok", [
      BACKUP_LOCK,
    ]);
    if (!lock[0]!.ok) {
      throw new AppError(
        "CONFLICT",
        "Another backup is running right now; this one was refused. Start it again once that one has finished.",
      );
    }
    await mkdir(workDir, { recursive: true });
    const { rows: meta } = await client.query<{ at: Date; pg: string }>(
      "SELECT now() AS at, current_setting('server_version') AS pg",
    );
    const version = await schemaVersion(client);
    const { rows: datasets } = await client.query<{ id: string; name: string; definition: unknown }>(
      "SELECT id, name, definition FROM app.datasets ORDER BY name",
    );
    const tables = await tablesToCopy(client);
    const parts: BackupPart[] = [];
    const sizes: number[] = [];
    const progress: BackupProgress = { tablesDone: 0, tablesTotal: tables.length, bytes: 0, rows: 0 };
    let lastReport = Date.now();
    const report = async (force: boolean) => {
      if (!force && Date.now() - lastReport < 1000) return;
      lastReport = Date.now();
      progress.bytesPerSecond = Math.round(
        ((progress.bytes ?? 0) * 1000) / Math.max(1, Date.now() - started),
      );
      await updateProgress(id, backup.jobId, progress);
    };
    for (const [i, t] of tables.entries()) {
      const file = `parts/${String(i + 1).padStart(4, "0")}.copy${COMPRESSED_EXTENSION[kind]}${key ? ".enc" : ""}`;
      const hash = createHash("sha256");
      let bytes = 0;
      let rawBytes = 0;
      progress.table = `${t.schema}.${t.table}`;
      const copy = client.query(copyTo(`COPY ${tableRef(t)} (${columnList(t.columns)}) TO STDOUT`));
      const stages: NodeJS.ReadWriteStream[] = [
        blocks((n) => {
          rawBytes += n;
          progress.bytes = (progress.bytes ?? 0) + n;
          void report(false).catch(() => undefined);
        }),
        kind === "brotli" ? brotli() : parallelGzip({ level: gzipLevel() }),
      ];
      if (key) stages.push(encryptStream(key));
      // The hash is taken on the bytes as stored.
      const hasher = new Transform({
        transform(chunk: Buffer, _e, done) {
          hash.update(chunk);
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      await pipeline([copy, ...stages, hasher, createWriteStream(path.join(workDir, path.basename(file)))]);
      parts.push({
        file,
        schema: t.schema,
        table: t.table,
        dataset: t.dataset,
        columns: t.columns,
        rows: copy.rowCount,
        bytes,
        rawBytes,
        sha256: hash.digest("hex"),
      });
      sizes.push(bytes);
      progress.tablesDone = i + 1;
      progress.rows = (progress.rows ?? 0) + copy.rowCount;
      await report(true);
    }
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      id,
      engine: "builtin",
      createdBy: backup.createdBy,
      createdAt: backup.createdAt,
      snapshotAt: meta[0]!.at.toISOString(),
      durationMs: Date.now() - started,
      reason: backup.reason,
      trigger: backup.trigger,
      schemaVersion: version,
      postgresVersion: meta[0]!.pg,
      compression: kind,
      encryption: key ? { algorithm: "aes-256-gcm", keyFingerprint: keyFingerprint(key) } : null,
      datasets,
      parts,
    };
    const size = await storage.put(id, packArchive(manifest, workDir, sizes));
    await client.query("COMMIT");
    inTransaction = false;
    const rowCounts = Object.fromEntries(parts.map((p) => [`${p.schema}.${p.table}`, p.rows]));
    await pool().query(
      `UPDATE app.backups SET status = 'succeeded', finished_at = now(), duration_ms = $2, size_bytes = $3, tables = $4,
         total_rows = $5, row_counts = $6, schema_version = $7, snapshot_at = $8, progress = $9 WHERE id = $1`,
      [
        id,
        Date.now() - started,
        size,
        parts.length,
        parts.reduce((n, p) => n + p.rows, 0),
        JSON.stringify(rowCounts),
        version,
        manifest.snapshotAt,
        JSON.stringify({ ...progress, table: undefined }),
      ],
    );
    await publishLive({ type: "backup", backupId: id, status: "succeeded" }, pool());
    return manifest;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await storage.remove(id).catch(() => undefined);
    await pool()
      .query(
        "UPDATE app.backups SET status = 'failed', finished_at = now(), duration_ms = $2, error = $3 WHERE id = $1",
        [id, Date.now() - started, `Backup failed: ${message}`],
      )
      .catch(() => undefined);
    await publishLive({ type: "backup", backupId: id, status: "failed" }, pool()).catch(() => undefined);
    throw err;
  } finally {
    await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    if (client) {
      if (inTransaction) await client.query("ROLLBACK").catch(() => undefined);
      client.release();
    }
  }
}
