import { isAscii } from "node:buffer";
import { open } from "node:fs/promises";
import type pg from "pg";
import { parseDefinition } from "@/datasets/registry";
import { productionTable, rowHashSql, stagingTable } from "@/datasets/tables";
import { quoteIdent } from "@/db/identifiers";
import { db } from "@/db/prisma";
import { withTransaction } from "@/db/transaction";
import { PermanentJobError } from "@/queue/errors";
import {
  addFollowUpTask,
  markJobCancelled,
  markJobFailed,
  markJobRunning,
  markJobSucceeded,
} from "@/queue/jobs";
import { publishLive } from "@/server/live";
import { isAsciiCompatible } from "./csv/encoding";
import { CsvSyntaxError } from "./csv/parser";
import { type ChunkPlan, scanChunks } from "./csv/scan";
import { type FileInfo, HEAD_BYTES } from "./inspect";
import { loadChunk } from "./load-chunk";
import type { Mapping } from "./mapping";
import { uploadPath } from "./store";

/**
 * The ingest pipeline as three steps, each a Graphile Worker task: plan (find chunk boundaries,
 * queue one chunk task each, so several workers load one file), chunk (load a byte range in one
 * transaction), finalize (after the last chunk: duplicates, classification, the batch is staged).
 * Every step is idempotent: a retry or a second delivery changes nothing twice.
 */
export function chunkTargetBytes(): number {
  const v = Number(process.env.INGEST_CHUNK_BYTES);
  return Number.isFinite(v) && v > 0 ? v : 16 * 1024 * 1024;
}

interface BatchContext {
  batchId: string;
  jobId: string;
  status: string;
  fileName: string;
  filePath: string;
  sizeBytes: number;
  fileInfo: FileInfo;
  mapping: Mapping;
  def: ReturnType<typeof parseDefinition>;
  rows: number;
}

async function batchContext(batchId: string): Promise<BatchContext> {
  const batch = await db().batch.findUnique({
    where: { id: batchId },
    include: { upload: true, dataset: true },
  });
  if (!batch) throw new PermanentJobError(`Batch ${batchId} no longer exists`);
  return {
    batchId,
    jobId: batch.jobId,
    status: batch.status,
    fileName: batch.upload.fileName,
    filePath: uploadPath(batch.upload.storageKey),
    sizeBytes: Number(batch.upload.sizeBytes),
    fileInfo: batch.fileInfo as unknown as FileInfo,
    mapping: batch.mapping as Mapping,
    def: parseDefinition(batch.dataset.definition),
    rows: batch.rows,
  };
}

/** Thrown inside a chunk's transaction to roll it back when its batch stopped loading meanwhile. */
class BatchNotLoading extends Error {}

const chunkKey = (batchId: string, index: number) => `ingest_chunk:${batchId}:${index}`;

export async function planIngest(
  pool: pg.Pool,
  p: { jobId: string; batchId: string },
  workerId: string | null,
): Promise<void> {
  const ctx = await batchContext(p.batchId);
  if (ctx.status !== "loading") return;
  await markJobRunning(pool, p.jobId, workerId);
  // A plan delivered again (it committed, then its worker died before Graphile Worker heard) keeps
  // the chunks made the first time: boundaries found with another INGEST_CHUNK_BYTES (another
  // machine, a changed setting) would overlap them, loading rows twice or losing some.
  const isPlanned = async (q: Pick<pg.ClientBase, "query">) => {
    const found = await q.query("SELECT 1 FROM app.batch_chunks WHERE batch_id = $1 LIMIT 1", [p.batchId]);
    return found.rows.length > 0;
  };
  let chunks: ChunkPlan[] = [];
  let rows = 0;
  let fileInfo = ctx.fileInfo;
  if (await isPlanned(pool)) {
    // Only the chunk tasks still to run are queued again, below.
  } else if (isAsciiCompatible(ctx.fileInfo.encoding)) {
    const guessedUtf8 = fileInfo.encoding === "utf-8" && fileInfo.bom === 0;
    const scan = await scanChunks(ctx.filePath, {
      offset: ctx.fileInfo.bom,
      targetBytes: chunkTargetBytes(),
      delimiter: ctx.fileInfo.delimiter,
      checkUtf8: guessedUtf8,
    });
    chunks = scan.chunks;
    rows = scan.rows;
    // The head looked like UTF-8 only because it was plain ASCII: an "ANSI" export whose first
    // accented letter comes later. Decode it as Windows-1252 rather than turn é into U+FFFD.
    if (guessedUtf8 && !scan.validUtf8 && (await headIsAscii(ctx.filePath))) {
      fileInfo = { ...fileInfo, encoding: "windows-1252" };
    }
  } else {
    // UTF-16 has no byte-level record boundaries to split at: one chunk.
    chunks = [
      { index: 0, start: ctx.fileInfo.bom, end: ctx.sizeBytes, firstRow: 1, firstLine: 1, hasHeader: true },
    ];
  }
  await withTransaction(pool, async (client) => {
    await client.query("SELECT 1 FROM app.batches WHERE id = $1 FOR UPDATE", [p.batchId]);
    if (chunks.length && !(await isPlanned(client))) {
      for (const c of chunks) {
        await client.query(
          `INSERT INTO app.batch_chunks (batch_id, index, start_byte, end_byte, first_row, first_line, has_header)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [p.batchId, c.index, c.start, c.end, c.firstRow, c.firstLine, c.hasHeader],
        );
      }
      await client.query(
        "UPDATE app.batches SET chunks_total = $2, rows = $3, file_info = $4 WHERE id = $1",
        [p.batchId, chunks.length, rows, JSON.stringify(fileInfo)],
      );
      await client.query(
        `UPDATE app.jobs SET counts = jsonb_build_object('rows', $2::int, 'chunks', $3::int) WHERE id = $1`,
        [p.jobId, rows, chunks.length],
      );
    }
    const { rows: pending } = await client.query<{ index: number }>(
      "SELECT index FROM app.batch_chunks WHERE batch_id = $1 AND done_at IS NULL ORDER BY index",
      [p.batchId],
    );
    for (const c of pending) {
      await addFollowUpTask(
        client,
        "ingest_chunk",
        { jobId: p.jobId, batchId: p.batchId, index: c.index },
        { jobKey: chunkKey(p.batchId, c.index) },
      );
    }
  });
}

async function headIsAscii(filePath: string): Promise<boolean> {
  const file = await open(filePath);
  try {
    const { buffer, bytesRead } = await file.read({ buffer: Buffer.alloc(HEAD_BYTES), position: 0 });
    return isAscii(buffer.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

export async function runChunk(
  pool: pg.Pool,
  p: { jobId: string; batchId: string; index: number },
): Promise<void> {
  const ctx = await batchContext(p.batchId);
  if (ctx.status !== "loading") return;
  const { rows: chunkRows } = await pool.query(
    "SELECT start_byte, end_byte, first_row, first_line, has_header, done_at FROM app.batch_chunks WHERE batch_id = $1 AND index = $2",
    [p.batchId, p.index],
  );
  const chunk = chunkRows[0];
  if (!chunk) throw new PermanentJobError(`Chunk ${p.index} of batch ${p.batchId} was never planned`);
  if (chunk.done_at) return;

  // Progress goes through its own connection: the load's transaction is invisible until it commits.
  // Never awaited while the load holds its connection: with every pool connection held by a loading
  // chunk, each would wait for a connection to report on, and none would ever finish.
  let progress: Promise<unknown> = Promise.resolve();
  const report = (rowsDone: number) => {
    progress = progress.then(() => reportProgress(pool, p, rowsDone, ctx.rows)).catch(() => undefined);
  };

  try {
    await withTransaction(pool, async (client) => {
      // One loader per chunk at a time; a second delivery waits, then finds the chunk done.
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1), $2)", [p.batchId, p.index]);
      const { rows: again } = await client.query(
        "SELECT done_at FROM app.batch_chunks WHERE batch_id = $1 AND index = $2",
        [p.batchId, p.index],
      );
      if (again[0]?.done_at) {
        return;
      }
      const result = await loadChunk(client, {
        def: ctx.def,
        fileInfo: ctx.fileInfo,
        mapping: ctx.mapping,
        filePath: ctx.filePath,
        chunk: {
          batchId: p.batchId,
          start: Number(chunk.start_byte),
          end: Number(chunk.end_byte),
          firstRow: chunk.first_row,
          firstLine: chunk.first_line,
          hasHeader: chunk.has_header,
        },
        onProgress: report,
      });
      await client.query(
        "UPDATE app.batch_chunks SET done_at = now(), rows_done = $3, valid = $4, rejected = $5, shapes = $6 WHERE batch_id = $1 AND index = $2",
        [p.batchId, p.index, result.rows, result.valid, result.rejected, JSON.stringify(result.shapes)],
      );
      const { rows: totals } = await client.query<{ chunks_done: number; chunks_total: number }>(
        `UPDATE app.batches SET chunks_done = chunks_done + 1, valid = valid + $2, rejected = rejected + $3,
           violations = COALESCE((SELECT jsonb_object_agg(key, total) FROM (
             SELECT key, sum(value::int) AS total FROM (
               SELECT * FROM jsonb_each_text(violations) UNION ALL SELECT * FROM jsonb_each_text($4::jsonb)) v
             GROUP BY key) t), '{}')
         WHERE id = $1 AND status = 'loading' RETURNING chunks_done, chunks_total`,
        [p.batchId, result.valid, result.rejected, JSON.stringify(result.violations)],
      );
      const t = totals[0];
      if (!t) {
        // The batch failed or was cancelled while this chunk loaded: what was staged then is gone,
        // so nothing of this chunk may be committed after it. Roll back.
        throw new BatchNotLoading();
      }
      if (t.chunks_done >= t.chunks_total) {
        await addFollowUpTask(
          client,
          "ingest_finalize",
          { jobId: p.jobId, batchId: p.batchId },
          { jobKey: `ingest_finalize:${p.batchId}` },
        );
      }
    });
  } catch (err) {
    if (err instanceof BatchNotLoading) return;
    if (err instanceof CsvSyntaxError) throw new PermanentJobError(`${ctx.fileName}: ${err.message}`);
    // A value Postgres refuses (SQLSTATE class 22, "data exception") is refused again on retry:
    // fail at once and say so, rather than retrying for minutes. The checks should have caught it.
    const code = (err as { code?: string }).code;
    if (code?.startsWith("22")) {
      throw new PermanentJobError(
        `${ctx.fileName}: Postgres refused a value the checks let through (${(err as Error).message}); please report this file`,
      );
    }
    throw err;
  }
}

async function reportProgress(
  pool: pg.Pool,
  p: { jobId: string; batchId: string; index: number },
  rowsDone: number,
  total: number,
) {
  await pool.query(
    "UPDATE app.batch_chunks SET rows_done = $3 WHERE batch_id = $1 AND index = $2 AND done_at IS NULL",
    [p.batchId, p.index, rowsDone],
  );
  const { rows } = await pool.query<{ done: number }>(
    "SELECT COALESCE(sum(rows_done), 0)::int AS done FROM app.batch_chunks WHERE batch_id = $1",
    [p.batchId],
  );
  const done = rows[0]?.done ?? 0;
  const progress = total > 0 ? Math.min(0.99, done / total) : 0;
  const { rowCount } = await pool.query(
    "UPDATE app.jobs SET progress = GREATEST(progress, $2) WHERE id = $1 AND status = 'running'",
    [p.jobId, progress],
  );
  // A report that lands after the job finished must not show it running again.
  if (rowCount) await publishLive({ type: "job", jobId: p.jobId, status: "running", progress }, pool);
}

export async function finalizeBatch(pool: pg.Pool, p: { jobId: string; batchId: string }): Promise<void> {
  const ctx = await batchContext(p.batchId);
  if (ctx.status !== "loading") return;
  const { def } = ctx;
  const staging = stagingTable(def.name);
  const production = productionTable(def.name);
  await withTransaction(pool, async (client) => {
    const { rows: locked } = await client.query("SELECT status FROM app.batches WHERE id = $1 FOR UPDATE", [
      p.batchId,
    ]);
    if (locked[0]?.status !== "loading") {
      return;
    }
    // The duplicate count hashes every key of the batch: give it room not to spill to disk.
    await client.query("SET LOCAL work_mem = '64MB'");
    let duplicates = 0;
    let stagedRows: number | null = null;
    if (def.key.length) {
      const key = def.key.map(quoteIdent).join(", ");
      const keyText =
        def.key.length === 1
          ? `d.${quoteIdent(def.key[0]!)}::text`
          : `concat_ws(', ', ${def.key.map((k) => `d.${quoteIdent(k)}`).join(", ")})`;
      // One pass tells whether any key repeats (count DISTINCT beats GROUP BY … HAVING here).
      const distinctKey = def.key.length === 1 ? key : `(${key})`;
      const { rows: tally } = await client.query<{ n: number; k: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT ${distinctKey})::int AS k FROM ${staging} WHERE _batch_id = $1`,
        [p.batchId],
      );
      stagedRows = tally[0]!.n;
      if (tally[0]!.n > tally[0]!.k) {
        // The first occurrence is staged; later ones move to the rejects with the row they repeat.
        const res = await client.query(
          `WITH ranked AS (
             SELECT _row, row_number() OVER w AS rn, first_value(_row) OVER w AS first_row
             FROM ${staging} WHERE _batch_id = $1 WINDOW w AS (PARTITION BY ${key} ORDER BY _row)),
           d AS (
             DELETE FROM ${staging} s USING ranked r
             WHERE s._batch_id = $1 AND s._row = r._row AND r.rn > 1
             RETURNING s.*, r.first_row)
           INSERT INTO app.batch_rejects (batch_id, row_number, line_number, "values", violations)
           SELECT $1, d._row, d._line, to_jsonb(d) - '_batch_id' - '_row' - '_line' - 'first_row',
             jsonb_build_array(jsonb_build_object('column', $2::text, 'rule', 'duplicate', 'value', ${keyText},
               'message', 'repeats the key of row ' || d.first_row || '; the first occurrence is staged'))
           FROM d`,
          [p.batchId, def.key.join(", ")],
        );
        duplicates = res.rowCount ?? 0;
      }
    }
    const classification = await classify(
      client,
      def,
      p.batchId,
      staging,
      production,
      stagedRows === null ? null : stagedRows - duplicates,
    );
    const { rows: done } = await client.query(
      `UPDATE app.batches SET status = 'staged', staged_at = now(), duplicates = $2, valid = valid - $2,
         classification = $3 WHERE id = $1 RETURNING rows, valid, rejected, duplicates, chunks_total`,
      [p.batchId, duplicates, JSON.stringify(classification)],
    );
    const b = done[0]!;
    const rows = b.valid + b.rejected + b.duplicates;
    await client.query("UPDATE app.batches SET rows = $2 WHERE id = $1", [p.batchId, rows]);
    await addFollowUpTask(client, "quality_report", p, { jobKey: `quality_report:${p.batchId}` });
    await markJobSucceeded(client, p.jobId, {
      rows,
      valid: b.valid,
      rejected: b.rejected,
      duplicates: b.duplicates,
      chunks: b.chunks_total,
      ...classification,
    });
  });
}

/** New / changed / unchanged against production, by key and row hash. */
async function classify(
  client: pg.ClientBase,
  def: BatchContext["def"],
  batchId: string,
  staging: string,
  production: string,
  knownTotal: number | null,
): Promise<{ new: number; changed: number; unchanged: number }> {
  const total =
    knownTotal ??
    (
      await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${staging} WHERE _batch_id = $1`, [
        batchId,
      ])
    ).rows[0]!.n;
  const { rows: hasProd } = await client.query(`SELECT 1 FROM ${production} LIMIT 1`);
  if (!def.key.length || !hasProd.length) return { new: total, changed: 0, unchanged: 0 };
  const on = def.key.map((k) => `p.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(" AND ");
  const { rows } = await client.query<{ new: number; changed: number; unchanged: number }>(
    `SELECT count(*) FILTER (WHERE p._hash IS NULL)::int AS new,
            count(*) FILTER (WHERE p._hash IS NOT NULL AND p._hash <> ${rowHashSql(def, "s")})::int AS changed,
            count(*) FILTER (WHERE p._hash = ${rowHashSql(def, "s")})::int AS unchanged
     FROM ${staging} s LEFT JOIN ${production} p ON ${on} WHERE s._batch_id = $1`,
    [batchId],
  );
  return rows[0]!;
}

/**
 * A load that ends without finishing (failed, or cancelled by an operator): the batch is marked so
 * and everything it staged is removed in one transaction, so no half-loaded batch is ever visible;
 * its remaining chunk tasks are dropped (a chunk already running finds the batch no longer loading
 * and commits nothing).
 */
async function endIngest(
  pool: pg.Pool,
  p: { jobId: string; batchId: string },
  outcome: { status: "failed"; message: string } | { status: "cancelled" },
): Promise<boolean> {
  const ctx = await batchContext(p.batchId).catch(() => null);
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ chunks_total: number }>(
      "UPDATE app.batches SET status = $2::app.\"BatchStatus\" WHERE id = $1 AND status = 'loading' RETURNING chunks_total",
      [p.batchId, outcome.status],
    );
    if (!rows.length && outcome.status === "cancelled") {
      return false;
    }
    if (ctx)
      await client.query(`DELETE FROM ${stagingTable(ctx.def.name)} WHERE _batch_id = $1`, [p.batchId]);
    await client.query("DELETE FROM app.batch_rejects WHERE batch_id = $1", [p.batchId]);
    if (outcome.status === "failed") await markJobFailed(client, p.jobId, outcome.message, true);
    else await markJobCancelled(client, p.jobId);
    for (let i = 0; i < (rows[0]?.chunks_total ?? 0); i++) {
      await client.query("SELECT graphile_worker.remove_job($1)", [chunkKey(p.batchId, i)]);
    }
    await client.query("SELECT graphile_worker.remove_job($1)", [`ingest_finalize:${p.batchId}`]);
    return true;
  });
}

export async function failIngest(
  pool: pg.Pool,
  p: { jobId: string; batchId: string },
  message: string,
): Promise<void> {
  await endIngest(pool, p, { status: "failed", message });
}

/** Stops a load that is queued or running; false when it had already finished. */
export function cancelIngest(pool: pg.Pool, p: { jobId: string; batchId: string }): Promise<boolean> {
  return endIngest(pool, p, { status: "cancelled" });
}

/**
 * Puts a failed or cancelled load back to its start (the batch empty and loading again, its chunk
 * plan forgotten) inside the caller's transaction; the caller queues the plan task again.
 */
export async function resetIngest(client: pg.ClientBase, batchId: string): Promise<void> {
  const { rowCount } = await client.query(
    `UPDATE app.batches SET status = 'loading', rows = 0, valid = 0, rejected = 0, duplicates = 0, violations = '{}',
       classification = '{}', chunks_total = 0, chunks_done = 0, staged_at = NULL
     WHERE id = $1 AND status IN ('failed', 'cancelled')`,
    [batchId],
  );
  if (!rowCount) throw new Error(`Batch ${batchId} is not failed or cancelled`);
  await client.query("DELETE FROM app.batch_chunks WHERE batch_id = $1", [batchId]);
}
