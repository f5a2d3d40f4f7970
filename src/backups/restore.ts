import type pg from "pg";
import { z } from "zod";
import { recordAudit } from "@/audit/audit";
import type { Actor } from "@/auth/actor";
import type { DatasetDefinition } from "@/datasets/definition";
import { datasetNameSchema } from "@/datasets/registry";
import { createTablesSql } from "@/datasets/tables";
import { pool } from "@/db/pool";
import { withTransaction } from "@/db/transaction";
import { AppError } from "@/server/errors";
import { checkChecksums, readArchive, readManifest } from "./archive";
import { getBackup } from "./catalog";
import { schemaVersion } from "./engine";
import { type BackupManifest, partKey } from "./manifest";
import { copyPartInto, keyForManifest } from "./parts";
import { APP_TABLES, DATA_SCHEMAS } from "./scope";
import { checkedType, columnList, quoteName, tableRef } from "./sql";

/**
 * Restore: the data tables and pipeline records as they were in the backup, whole or for one
 * dataset, in one transaction under the locks promotions and ingestion take, so pipeline work on
 * the affected datasets waits and a failure changes nothing. Checksums are checked before anything
 * is touched; a backup from a newer schema is refused. Users, API keys, the audit log and the
 * backup catalog only move forward.
 */
export const restoreInput = z.object({ dataset: datasetNameSchema.optional() });
export type RestoreInput = z.infer<typeof restoreInput>;

export interface RestorePreview {
  backupId: string;
  snapshotAt: string;
  schemaVersion: string;
  currentSchemaVersion: string;
  refusal: string | null;
  encrypted: boolean;
  dataset: string | null;
  /** `add-missing`: a log that only moves forward (jobs): rows the backup has and the database lacks are added. */
  tables: { table: string; rowsNow: number | null; rowsInBackup: number; mode: "replace" | "add-missing" }[];
  /** Promotions applied after the backup's snapshot: the restore undoes them. */
  promotionsUndone: {
    id: string;
    dataset: string;
    batchId: string;
    createdAt: string;
    createdBy: string;
    inserted: number;
    updated: number;
  }[];
  /** Datasets that exist now but not in the backup: a whole restore removes them with their tables. */
  datasetsRemoved: string[];
  datasetsRestored: string[];
}

async function usableBackup(id: string) {
  const backup = await getBackup(id);
  if (backup.status !== "succeeded") {
    throw new AppError(
      "CONFLICT",
      `Backup ${id} is ${backup.status}; only a finished backup can be restored`,
    );
  }
  return backup;
}

function newerSchema(manifest: BackupManifest, current: string): string | null {
  return manifest.schemaVersion > current
    ? `This backup was made at schema version ${manifest.schemaVersion}, newer than this database's ${current}. Upgrade Sluice to that version first, then restore.`
    : null;
}

function inScope(manifest: BackupManifest, dataset: string | undefined) {
  if (dataset && !manifest.datasets.some((d) => d.name === dataset)) {
    throw new AppError("NOT_FOUND", `Backup ${manifest.id} has no dataset ${dataset}`);
  }
  return manifest.parts.filter((p) => p.schema === "app" || !dataset || p.dataset === dataset);
}

export async function previewRestore(id: string, input: RestoreInput = {}): Promise<RestorePreview> {
  const { dataset } = restoreInput.parse(input);
  await usableBackup(id);
  const manifest = await readManifest(id);
  const parts = inScope(manifest, dataset);
  const current = await schemaVersion();
  const { rows: existing } = await pool().query<{ ref: string }>(
    `SELECT n.nspname || '.' || c.relname AS ref FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1)`,
    [["app", ...DATA_SCHEMAS]],
  );
  const exists = new Set(existing.map((r) => r.ref));
  const tables: RestorePreview["tables"] = [];
  for (const p of parts) {
    let rowsNow: number | null = null;
    if (exists.has(partKey(p))) {
      const { rows } = await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${tableRef(p)}`);
      rowsNow = rows[0]!.n;
    }
    const mergeOnly = p.schema === "app" && APP_TABLES.some((t) => t.table === p.table && t.mergeOnly);
    tables.push({
      table: partKey(p),
      rowsNow,
      rowsInBackup: p.rows,
      mode: mergeOnly ? "add-missing" : "replace",
    });
  }
  const { rows: promotions } = await pool().query(
    `SELECT p.id, d.name AS dataset, p.batch_id AS "batchId", p.created_at AS "createdAt", p.created_by AS "createdBy",
       p.inserted, p.updated
     FROM app.promotions p JOIN app.datasets d ON d.id = p.dataset_id
     WHERE p.created_at > $1 AND p.status = 'applied' AND ($2::text IS NULL OR d.name = $2)
     ORDER BY p.created_at`,
    [manifest.snapshotAt, dataset ?? null],
  );
  const { rows: nowDatasets } = await pool().query<{ name: string }>(
    "SELECT name FROM app.datasets ORDER BY name",
  );
  const inBackup = new Set(manifest.datasets.map((d) => d.name));
  return {
    backupId: id,
    snapshotAt: manifest.snapshotAt,
    schemaVersion: manifest.schemaVersion,
    currentSchemaVersion: current,
    refusal: newerSchema(manifest, current),
    encrypted: manifest.encryption !== null,
    dataset: dataset ?? null,
    tables,
    promotionsUndone: promotions.map((p) => ({ ...p, createdAt: new Date(p.createdAt).toISOString() })),
    datasetsRemoved: dataset ? [] : nowDatasets.map((d) => d.name).filter((n) => !inBackup.has(n)),
    datasetsRestored: dataset ? [dataset] : [...inBackup],
  };
}

export interface RestoreResult {
  backupId: string;
  dataset: string | null;
  tables: number;
  rows: number;
  durationMs: number;
}

export async function restoreBackup(id: string, input: RestoreInput, actor: Actor): Promise<RestoreResult> {
  const { dataset } = restoreInput.parse(input);
  const started = Date.now();
  await usableBackup(id);
  // Everything is checked before anything is touched.
  const manifest = await checkChecksums(id);
  const refusal = newerSchema(manifest, await schemaVersion());
  if (refusal) throw new AppError("CONFLICT", refusal);
  const key = keyForManifest(manifest);
  const scoped = inScope(manifest, dataset);
  const inScopeKeys = new Set(scoped.map(partKey));
  const backupDatasets = manifest.datasets.filter((d) => !dataset || d.name === dataset);

  const rows = await withTransaction(pool(), async (client) => {
    // Locks are awaited, not failed on: pipeline work in flight finishes first.
    const { rows: nowDatasets } = await client.query<{ id: string; name: string }>(
      "SELECT id, name FROM app.datasets",
    );
    const affected = [
      ...new Set([
        ...backupDatasets.map((d) => d.name),
        ...nowDatasets.filter((d) => !dataset || d.name === dataset).map((d) => d.name),
      ]),
    ].sort();
    // The locks promotions take, then the tables ingestion writes: new pipeline work waits for us.
    for (const name of affected) {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('promote:' || $1))", [name]);
    }
    // The datasets' own tables first (ingestion writes them before its records), then the records:
    // the order ingestion takes them in, so the two wait for each other instead of deadlocking.
    const { rows: dataTables } = await client.query<{ schema: string; table: string }>(
      `SELECT n.nspname AS schema, c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1) AND c.relname = ANY($2) ORDER BY 1, 2`,
      [DATA_SCHEMAS, affected],
    );
    if (dataTables.length) {
      await client.query(`LOCK TABLE ${dataTables.map(tableRef).join(", ")} IN ACCESS EXCLUSIVE MODE`);
    }
    await client.query(
      `LOCK TABLE ${APP_TABLES.map((t) => `app.${quoteName(t.table)}`).join(", ")} IN SHARE ROW EXCLUSIVE MODE`,
    );
    const restored = new Set<string>();
    let total = 0;
    let dataReady = false;
    const prepareData = async () => {
      if (dataReady) return;
      dataReady = true;
      await replaceDataTables(client, affected, backupDatasets);
    };
    await readArchive(
      id,
      () => undefined,
      async (part, stream) => {
        if (!inScopeKeys.has(partKey(part))) return;
        let target: string;
        if (part.schema === "app") {
          target = quoteName(`restore_${part.table}`);
          await client.query(
            `CREATE TEMP TABLE ${target} (LIKE app.${quoteName(part.table)} INCLUDING DEFAULTS) ON COMMIT DROP`,
          );
        } else {
          await prepareData();
          target = tableRef(part);
          if (!part.dataset || !backupDatasets.some((d) => d.name === part.dataset)) {
            // A table no dataset defines: recreate it as it was.
            const cols = part.columns.map((c) => `${quoteName(c.name)} ${checkedType(c.type)}`).join(", ");
            await client.query(`CREATE TABLE IF NOT EXISTS ${target} (${cols})`);
            await client.query(`TRUNCATE ${target}`);
          }
        }
        total += await copyPartInto(client, id, part, stream, key, target, manifest.compression);
        restored.add(partKey(part));
      },
    );
    await prepareData();
    await replaceAppRows(client, manifest, dataset, nowDatasets);
    for (const p of scoped) if (p.schema !== "app") await resetIdentity(client, tableRef(p));
    await recordAudit(
      actor,
      "backup.restore",
      { type: "backup", id },
      { dataset: dataset ?? null, tables: restored.size, rows: total, snapshotAt: manifest.snapshotAt },
      client,
    );
    return total;
  }).catch((err: unknown) => {
    if (err instanceof AppError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new AppError("CONFLICT", `The restore failed and was rolled back; nothing changed: ${message}`);
  });
  return {
    backupId: id,
    dataset: dataset ?? null,
    tables: scoped.length,
    rows,
    durationMs: Date.now() - started,
  };
}

/** Drops the affected datasets' tables and creates them again from the backup's definitions. */
async function replaceDataTables(
  client: pg.ClientBase,
  affected: string[],
  backupDatasets: BackupManifest["datasets"],
) {
  for (const name of affected) {
    for (const schema of DATA_SCHEMAS)
      await client.query(`DROP TABLE IF EXISTS ${tableRef({ schema, table: name })}`);
  }
  for (const d of backupDatasets) {
    const def = d.definition as DatasetDefinition;
    for (const sql of createTablesSql(def)) await client.query(sql);
  }
}

/** Deletes the rows in scope (children first), then inserts the backup's (parents first). */
async function replaceAppRows(
  client: pg.ClientBase,
  manifest: BackupManifest,
  dataset: string | undefined,
  nowDatasets: { id: string; name: string }[],
) {
  const nowId = dataset ? (nowDatasets.find((d) => d.name === dataset)?.id ?? null) : null;
  const backupId = dataset ? manifest.datasets.find((d) => d.name === dataset)!.id : null;
  const where = (scope: string, batches: string) =>
    dataset ? `WHERE ${scope.replace("{batches}", batches)}` : "";
  for (const t of [...APP_TABLES].reverse()) {
    if (t.mergeOnly || (dataset && !nowId)) continue;
    await client.query(
      `DELETE FROM app.${quoteName(t.table)} ${where(t.scope, "app.batches")}`,
      dataset ? [nowId] : [],
    );
  }
  for (const t of APP_TABLES) {
    const part = manifest.parts.find((p) => p.schema === "app" && p.table === t.table);
    if (!part) continue;
    const cols = columnList(part.columns);
    const source = quoteName(`restore_${t.table}`);
    if (t.mergeOnly) {
      await client.query(
        `INSERT INTO app.${quoteName(t.table)} (${cols}) SELECT ${cols} FROM ${source} ON CONFLICT DO NOTHING`,
      );
      continue;
    }
    await client.query(
      `INSERT INTO app.${quoteName(t.table)} (${cols}) SELECT ${cols} FROM ${source} ${where(t.scope, quoteName("restore_batches"))}`,
      dataset ? [backupId] : [],
    );
    if (t.table === "datasets") {
      // Jobs kept across the restore point at their dataset again (deleting it set them to NULL).
      await client.query(
        `UPDATE app.jobs j SET dataset_id = r.dataset_id FROM ${quoteName("restore_jobs")} r
         WHERE j.id = r.id AND j.dataset_id IS NULL AND r.dataset_id IN (SELECT id FROM app.datasets)`,
      );
    }
  }
}

/** Identity columns continue after the highest restored value. */
async function resetIdentity(client: pg.ClientBase, table: string) {
  const { rows } = await client.query<{ col: string; seq: string }>(
    `SELECT a.attname AS col, pg_get_serial_sequence($1, a.attname) AS seq FROM pg_attribute a
     WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity <> ''`,
    [table],
  );
  for (const r of rows) {
    await client.query(
      `SELECT setval($1, COALESCE((SELECT max(${quoteName(r.col)}) FROM ${table}), 0) + 1, false)`,
      [r.seq],
    );
  }
}
