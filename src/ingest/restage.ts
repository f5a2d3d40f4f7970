import type pg from "pg";
import { recordAudit } from "@/audit/audit";
import { SYSTEM } from "@/auth/actor";
import { stagingTable } from "@/datasets/tables";
import { withTransaction } from "@/db/transaction";
import { taskKey } from "@/queue/jobs";
import { GRAPHILE_PRIORITY, type Priority } from "@/queue/priorities";
import { publishLive } from "@/server/live";

/**
 * Staging tables are UNLOGGED: loading a batch writes no WAL for its rows, which takes about a third
 * of Postgres's work per staged row away (and all the WAL-lock contention of parallel chunk loads).
 * The price is Postgres's rule for unlogged tables: after a crash of the *server* (not a worker,
 * and not a clean stop) it empties them. Staging is derived data: every batch can be loaded again
 * from its stored upload, exactly as the first time. So after a crash a worker finds the batches
 * whose staged rows are gone and loads them again; production and history, which are logged, are
 * never affected.
 */

interface LostBatch {
  batchId: string;
  jobId: string;
  dataset: string;
}

/** Batches that should have staged rows (staged, or loading with chunks committed) but have none. */
export async function findLostBatches(client: Pick<pg.ClientBase, "query">): Promise<LostBatch[]> {
  const { rows } = await client.query<LostBatch>(
    `SELECT b.id AS "batchId", b.job_id AS "jobId", d.name AS dataset
     FROM app.batches b JOIN app.datasets d ON d.id = b.dataset_id
     WHERE (b.status = 'staged' AND b.valid > 0)
        OR (b.status = 'loading' AND EXISTS (
              SELECT 1 FROM app.batch_chunks c WHERE c.batch_id = b.id AND c.done_at IS NOT NULL AND c.valid > 0))`,
  );
  const lost: LostBatch[] = [];
  for (const b of rows) {
    if (!(await hasStagedRows(client, b.dataset, b.batchId))) lost.push(b);
  }
  return lost;
}

async function hasStagedRows(client: Pick<pg.ClientBase, "query">, dataset: string, batchId: string) {
  const { rows } = await client.query(`SELECT 1 FROM ${stagingTable(dataset)} WHERE _batch_id = $1 LIMIT 1`, [
    batchId,
  ]);
  return rows.length > 0;
}

/**
 * Puts every batch that lost its staged rows back to loading and queues its load again from the
 * stored upload: the same job, at its priority, audited. Returns the batches it restaged.
 */
export async function restageLostBatches(pool: pg.Pool): Promise<string[]> {
  const restaged: string[] = [];
  for (const lost of await findLostBatches(pool)) {
    const done = await withTransaction(pool, async (client) => {
      const { rows } = await client.query<{ status: string; chunks_total: number }>(
        "SELECT status, chunks_total FROM app.batches WHERE id = $1 FOR UPDATE",
        [lost.batchId],
      );
      const batch = rows[0];
      // Looked at again under the lock: another worker may have restaged it meanwhile.
      if (!batch || (batch.status !== "staged" && batch.status !== "loading")) return false;
      if (await hasStagedRows(client, lost.dataset, lost.batchId)) return false;
      for (let i = 0; i < batch.chunks_total; i++) {
        await client.query("SELECT graphile_worker.remove_job($1)", [`ingest_chunk:${lost.batchId}:${i}`]);
      }
      await client.query("SELECT graphile_worker.remove_job($1)", [`ingest_finalize:${lost.batchId}`]);
      await client.query(
        `UPDATE app.batches SET status = 'loading', rows = 0, valid = 0, rejected = 0, duplicates = 0,
           violations = '{}', classification = '{}', chunks_total = 0, chunks_done = 0, staged_at = NULL
         WHERE id = $1`,
        [lost.batchId],
      );
      await client.query("DELETE FROM app.batch_chunks WHERE batch_id = $1", [lost.batchId]);
      await client.query("DELETE FROM app.batch_rejects WHERE batch_id = $1", [lost.batchId]);
      const { rows: jobs } = await client.query<{ type: string; payload: unknown; priority: Priority }>(
        `UPDATE app.jobs SET status = 'queued', error = NULL, progress = 0, started_at = NULL, finished_at = NULL,
           counts = '{}' WHERE id = $1 RETURNING type, payload, priority`,
        [lost.jobId],
      );
      const job = jobs[0]!;
      await client.query("SELECT graphile_worker.add_job($1, $2::json, priority => $3::int, job_key => $4)", [
        job.type,
        JSON.stringify(job.payload),
        GRAPHILE_PRIORITY[job.priority],
        taskKey(lost.jobId),
      ]);
      await recordAudit(
        SYSTEM,
        "batch.restage",
        { type: "batch", id: lost.batchId },
        { reason: "staged rows lost in a Postgres crash; loading again from the stored upload" },
        client,
      );
      await publishLive({ type: "job", jobId: lost.jobId, status: "queued" }, client);
      return true;
    });
    if (done) restaged.push(lost.batchId);
  }
  return restaged;
}

/**
 * A check to call now and then (the worker calls it with its reaper). The row of
 * app.unlogged_sentinel, an unlogged table like staging, vanishes exactly when a crash empties the
 * unlogged tables; then lost batches are loaded again and the row is put back.
 */
export async function restageAfterCrash(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query("SELECT 1 FROM app.unlogged_sentinel WHERE id = 1");
  if (rows.length) return [];
  const restaged = await restageLostBatches(pool);
  await pool.query("INSERT INTO app.unlogged_sentinel (id) VALUES (1) ON CONFLICT DO NOTHING");
  return restaged;
}
