import type pg from "pg";
import { z } from "zod";
import { recordAudit } from "@/audit/audit";
import { type Actor, actorLabel } from "@/auth/actor";
import type { DatasetDefinition } from "@/datasets/definition";
import { getDataset } from "@/datasets/registry";
import {
  createHistoryTableSql,
  historyTable,
  productionTable,
  rowHashSql,
  stagingTable,
} from "@/datasets/tables";
import { quoteIdent } from "@/db/identifiers";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { withTransaction } from "@/db/transaction";
import { checkPromotionGate } from "@/quality/gate";
import { AppError } from "@/server/errors";

/**
 * Promotion: a staged batch applied to production.<dataset> in one transaction, under a per-dataset
 * lock so two promotions never interleave; readers see all of it or none. Upsert by natural key
 * (`INSERT … ON CONFLICT … DO UPDATE … WHERE changed`); `replace` mode also deletes rows missing
 * from the batch; keyless datasets append. What it changed goes to history.<dataset> in the same
 * statement, so `revertPromotion` can restore production exactly.
 */
export interface PromotionResult {
  promotionId: string;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted?: number;
}

const cols = (def: DatasetDefinition, alias?: string) =>
  def.columns.map((c) => (alias ? `${alias}.${quoteIdent(c.name)}` : quoteIdent(c.name))).join(", ");

/** ON CONFLICT … DO UPDATE SET: every non-key column and Sluice's own, from the incoming row. */
function overwriteFromExcluded(def: DatasetDefinition): string {
  return def.columns
    .filter((c) => !def.key.includes(c.name))
    .map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`)
    .concat(["_batch_id", "_hash", "_updated_at"].map((own) => `${own} = EXCLUDED.${own}`))
    .join(", ");
}

/** Serialises promotions and reverts of one dataset across all processes. */
async function lockDataset(client: pg.ClientBase, name: string) {
  await client.query("SELECT pg_advisory_xact_lock(hashtext('promote:' || $1))", [name]);
}

/** What a promote request may carry: a written reason to override a failed quality gate. */
export const promoteInputSchema = z.object({
  overrideReason: z.string().max(2000, "at most 2000 characters").optional(),
});

export async function promoteBatch(
  batchId: string,
  actor: Actor,
  opts: { auto?: boolean; overrideReason?: string } = {},
): Promise<PromotionResult> {
  const batch = await db().batch.findUnique({ where: { id: batchId }, include: { dataset: true } });
  if (!batch) throw new AppError("NOT_FOUND", `No batch ${batchId}`);
  const { definition: def, id: datasetId } = await getDataset(batch.dataset.name);
  const mode = def.key.length
    ? (def.promotion?.mode ?? "upsert")
    : def.promotion?.mode === "replace"
      ? "replace"
      : "append";
  const started = Date.now();
  try {
    return await withTransaction(pool(), async (client) => {
      await lockDataset(client, def.name);
      const { rows: state } = await client.query<{ status: string }>(
        "SELECT status FROM app.batches WHERE id = $1 FOR UPDATE",
        [batchId],
      );
      if (state[0]?.status !== "staged") {
        throw new AppError(
          "CONFLICT",
          `Batch ${batchId} is ${state[0]?.status ?? "gone"}; only a staged batch can be promoted`,
        );
      }
      const { rows: already } = await client.query<{ id: string }>(
        "SELECT id FROM app.promotions WHERE batch_id = $1 AND status = 'applied'",
        [batchId],
      );
      if (already.length) {
        throw new AppError(
          "CONFLICT",
          `Batch ${batchId} is already in production (promotion ${already[0]!.id}); revert that first to promote it again`,
        );
      }
      const gate = await checkPromotionGate(client, batchId, actor, opts.overrideReason);
      for (const sql of createHistoryTableSql(def)) await client.query(sql);
      const { rows: idRow } = await client.query<{ id: string }>("SELECT gen_random_uuid() AS id");
      const promotionId = idRow[0]!.id;
      const counts = def.key.length
        ? await upsert(client, def, batchId, promotionId, mode === "replace")
        : await append(client, def, batchId, promotionId, mode === "replace");
      const { rows: staged } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${stagingTable(def.name)} WHERE _batch_id = $1`,
        [batchId],
      );
      const unchanged = staged[0]!.n - counts.inserted - counts.updated;
      await client.query(
        `INSERT INTO app.promotions (id, batch_id, dataset_id, mode, inserted, updated, unchanged, deleted, auto, override_reason,
           created_by_id, created_by, duration_ms, quality_score)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          promotionId,
          batchId,
          datasetId,
          mode,
          counts.inserted,
          counts.updated,
          unchanged,
          counts.deleted,
          opts.auto ?? false,
          gate.overrideReason,
          actor.kind === "user" ? actor.id : null,
          actorLabel(actor),
          Date.now() - started,
          gate.qualityScore,
        ],
      );
      const result: PromotionResult = {
        promotionId,
        inserted: counts.inserted,
        updated: counts.updated,
        unchanged,
      };
      if (mode === "replace") result.deleted = counts.deleted;
      await recordAudit(
        actor,
        opts.auto ? "promotion.auto_apply" : "promotion.apply",
        { type: "batch", id: batchId },
        {
          dataset: def.name,
          mode,
          ...result,
          qualityScore: gate.qualityScore,
          overrideReason: gate.overrideReason,
        },
        client,
      );
      return result;
    });
  } catch (err) {
    if ((err as { code?: string }).code === "23505") {
      throw new AppError("CONFLICT", `Batch ${batchId} is already in production`);
    }
    throw err;
  }
}

async function upsert(
  client: pg.ClientBase,
  def: DatasetDefinition,
  batchId: string,
  promotionId: string,
  replace: boolean,
) {
  const staging = stagingTable(def.name);
  const production = productionTable(def.name);
  const history = historyTable(def.name);
  const key = def.key.map(quoteIdent).join(", ");
  const on = def.key.map((k) => `p.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(" AND ");
  const set = overwriteFromExcluded(def);
  // One statement: the CTE `old` reads production as it was before the upsert (same snapshot), so
  // the previous versions of changed rows are kept exactly; `xmax = 0` tells inserts from updates.
  const { rows } = await client.query<{ inserted: number; updated: number }>(
    `WITH old AS (
       SELECT p.* FROM ${production} p JOIN ${staging} s ON ${on}
       WHERE s._batch_id = $1 AND p._hash <> ${rowHashSql(def, "s")}),
     up AS (
       INSERT INTO ${production} AS t (${cols(def)}, _batch_id, _hash, _updated_at)
       SELECT ${cols(def, "s")}, $1, ${rowHashSql(def, "s")}, now() FROM ${staging} s WHERE s._batch_id = $1
       ON CONFLICT (${key}) DO UPDATE SET ${set} WHERE t._hash IS DISTINCT FROM EXCLUDED._hash
       RETURNING ${key}, (xmax = 0) AS inserted),
     saved_old AS (
       INSERT INTO ${history} (_promotion_id, _op, ${cols(def)}, _batch_id, _hash, _updated_at)
       SELECT $2, 'update', ${cols(def, "old")}, old._batch_id, old._hash, old._updated_at FROM old),
     saved_new AS (
       INSERT INTO ${history} (_promotion_id, _op, ${key})
       SELECT $2, 'insert', ${key} FROM up WHERE inserted)
     SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM up`,
    [batchId, promotionId],
  );
  let deleted = 0;
  if (replace) {
    const res = await client.query(
      `WITH gone AS (
         DELETE FROM ${production} p
         WHERE NOT EXISTS (SELECT 1 FROM ${staging} s WHERE s._batch_id = $1 AND ${on})
         RETURNING p.*)
       INSERT INTO ${history} (_promotion_id, _op, ${cols(def)}, _batch_id, _hash, _updated_at)
       SELECT $2, 'delete', ${cols(def, "gone")}, gone._batch_id, gone._hash, gone._updated_at FROM gone`,
      [batchId, promotionId],
    );
    deleted = res.rowCount ?? 0;
  }
  return { inserted: rows[0]!.inserted, updated: rows[0]!.updated, deleted };
}

/** Keyless datasets: rows have no identity, so a batch is appended (or replaces everything). */
async function append(
  client: pg.ClientBase,
  def: DatasetDefinition,
  batchId: string,
  promotionId: string,
  replace: boolean,
) {
  const staging = stagingTable(def.name);
  const production = productionTable(def.name);
  const history = historyTable(def.name);
  let deleted = 0;
  if (replace) {
    const res = await client.query(
      `WITH gone AS (DELETE FROM ${production} RETURNING *)
       INSERT INTO ${history} (_promotion_id, _op, _id, ${cols(def)}, _batch_id, _hash, _updated_at)
       SELECT $1, 'delete', _id, ${cols(def, "gone")}, _batch_id, _hash, _updated_at FROM gone`,
      [promotionId],
    );
    deleted = res.rowCount ?? 0;
  }
  const res = await client.query(
    `WITH up AS (
       INSERT INTO ${production} (${cols(def)}, _batch_id, _hash, _updated_at)
       SELECT ${cols(def, "s")}, $1, ${rowHashSql(def, "s")}, now() FROM ${staging} s WHERE s._batch_id = $1 ORDER BY s._row
       RETURNING _id)
     INSERT INTO ${history} (_promotion_id, _op, _id) SELECT $2, 'insert', _id FROM up`,
    [batchId, promotionId],
  );
  return { inserted: res.rowCount ?? 0, updated: 0, deleted };
}

/**
 * Restores production exactly as it was before the promotion, in one transaction: rows it inserted
 * are deleted, rows it updated or deleted come back with their previous values, batch, hash and
 * timestamp. Refused while a later promotion of the dataset is still applied (it built on this one).
 */
export async function revertPromotion(
  promotionId: string,
  actor: Actor,
): Promise<{ promotionId: string; restored: number; removed: number }> {
  const promotion = await db().promotion.findUnique({
    where: { id: promotionId },
    include: { dataset: true },
  });
  if (!promotion) throw new AppError("NOT_FOUND", `No promotion ${promotionId}`);
  const { definition: def } = await getDataset(promotion.dataset.name);
  const production = productionTable(def.name);
  const history = historyTable(def.name);
  const { restored, removed } = await withTransaction(pool(), async (client) => {
    await lockDataset(client, def.name);
    const { rows: current } = await client.query<{ status: string }>(
      "SELECT status FROM app.promotions WHERE id = $1 FOR UPDATE",
      [promotionId],
    );
    if (current[0]?.status !== "applied")
      throw new AppError("CONFLICT", `Promotion ${promotionId} is already reverted`);
    // Compared in SQL: timestamps have microseconds there, milliseconds in JavaScript.
    const { rows: later } = await client.query<{ id: string }>(
      `SELECT id FROM app.promotions
       WHERE dataset_id = $1 AND status = 'applied' AND id <> $2
         AND created_at >= (SELECT created_at FROM app.promotions WHERE id = $2) ORDER BY created_at`,
      [promotion.datasetId, promotionId],
    );
    if (later.length) {
      throw new AppError(
        "CONFLICT",
        `Later promotions of ${def.name} build on this one (${later.map((l) => l.id).join(", ")}); revert ${later.length > 1 ? "them" : "it"} first, newest first`,
      );
    }
    let removed: number;
    let restored: number;
    if (def.key.length) {
      const on = def.key.map((k) => `p.${quoteIdent(k)} = h.${quoteIdent(k)}`).join(" AND ");
      removed =
        (
          await client.query(
            `DELETE FROM ${production} p USING ${history} h WHERE h._promotion_id = $1 AND h._op = 'insert' AND ${on}`,
            [promotionId],
          )
        ).rowCount ?? 0;
      const set = overwriteFromExcluded(def);
      restored =
        (
          await client.query(
            `INSERT INTO ${production} (${cols(def)}, _batch_id, _hash, _updated_at)
             SELECT ${cols(def, "h")}, h._batch_id, h._hash, h._updated_at FROM ${history} h
             WHERE h._promotion_id = $1 AND h._op IN ('update', 'delete')
             ON CONFLICT (${def.key.map(quoteIdent).join(", ")}) DO UPDATE SET ${set}`,
            [promotionId],
          )
        ).rowCount ?? 0;
    } else {
      removed =
        (
          await client.query(
            `DELETE FROM ${production} p USING ${history} h WHERE h._promotion_id = $1 AND h._op = 'insert' AND p._id = h._id`,
            [promotionId],
          )
        ).rowCount ?? 0;
      restored =
        (
          await client.query(
            `INSERT INTO ${production} (_id, ${cols(def)}, _batch_id, _hash, _updated_at) OVERRIDING SYSTEM VALUE
             SELECT h._id, ${cols(def, "h")}, h._batch_id, h._hash, h._updated_at FROM ${history} h
             WHERE h._promotion_id = $1 AND h._op = 'delete'`,
            [promotionId],
          )
        ).rowCount ?? 0;
    }
    await client.query(
      "UPDATE app.promotions SET status = 'reverted', reverted_at = now(), reverted_by = $2 WHERE id = $1",
      [promotionId, actorLabel(actor)],
    );
    await recordAudit(
      actor,
      "promotion.revert",
      { type: "promotion", id: promotionId },
      { dataset: def.name, restored, removed },
      client,
    );
    return { restored, removed };
  });
  return { promotionId, restored, removed };
}
