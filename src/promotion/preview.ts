import type { Role } from "@/auth/roles";
import { maskedColumns, maskRow } from "@/datasets/pii";
import { getDataset } from "@/datasets/registry";
import { productionTable, rowHashSql, stagingTable } from "@/datasets/tables";
import { quoteIdent } from "@/db/identifiers";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { AppError } from "@/server/errors";

/**
 * What promoting a batch would do, before it is done: rows to insert, update (with a sample of
 * changed rows, old and new side by side, and which cells differ) and leave unchanged, and in
 * replace mode the rows it would delete. The counts are the batch's classification from staging
 * time, recomputed only when production changed since.
 */
export interface ChangedRow {
  key: Record<string, unknown>;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  changed: string[];
}

export async function previewPromotion(batchId: string, viewer: Role) {
  const batch = await db().batch.findUnique({
    where: { id: batchId },
    include: { dataset: true, upload: true },
  });
  if (!batch) throw new AppError("NOT_FOUND", `No batch ${batchId}`);
  if (batch.status !== "staged")
    throw new AppError(
      "CONFLICT",
      `Batch ${batchId} is ${batch.status}; only a staged batch can be promoted`,
    );
  const { definition: def } = await getDataset(batch.dataset.name);
  const staging = stagingTable(def.name);
  const production = productionTable(def.name);
  const applied = await db().promotion.findFirst({ where: { batchId, status: "applied" } });
  const lastChange = await db().promotion.findFirst({
    where: { datasetId: batch.datasetId },
    orderBy: [{ revertedAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }],
  });
  const stale =
    !!lastChange &&
    !!batch.stagedAt &&
    (lastChange.createdAt > batch.stagedAt ||
      (lastChange.revertedAt !== null && lastChange.revertedAt > batch.stagedAt));
  let counts = batch.classification as { new: number; changed: number; unchanged: number };
  const mode = def.key.length
    ? (def.promotion?.mode ?? "upsert")
    : def.promotion?.mode === "replace"
      ? "replace"
      : "append";
  const on = def.key.map((k) => `p.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(" AND ");
  if (stale && def.key.length) {
    const { rows } = await pool().query(
      `SELECT count(*) FILTER (WHERE p._hash IS NULL)::int AS new,
              count(*) FILTER (WHERE p._hash IS NOT NULL AND p._hash <> ${rowHashSql(def, "s")})::int AS changed,
              count(*) FILTER (WHERE p._hash = ${rowHashSql(def, "s")})::int AS unchanged
       FROM ${staging} s LEFT JOIN ${production} p ON ${on} WHERE s._batch_id = $1`,
      [batchId],
    );
    counts = rows[0];
  }
  let deletes = 0;
  if (mode === "replace") {
    const { rows } = await pool().query<{ n: number }>(
      def.key.length
        ? `SELECT count(*)::int AS n FROM ${production} p WHERE NOT EXISTS (SELECT 1 FROM ${staging} s WHERE s._batch_id = $1 AND ${on})`
        : `SELECT count(*)::int AS n FROM ${production} WHERE $1::uuid IS NOT NULL`,
      [batchId],
    );
    deletes = rows[0]!.n;
  }
  const sample: ChangedRow[] = [];
  const masked = maskedColumns(def, viewer);
  if (def.key.length && counts.changed > 0) {
    const sel = def.columns
      .map(
        (c) =>
          `s.${quoteIdent(c.name)} AS ${quoteIdent(`n_${c.name}`.slice(0, 63))}, p.${quoteIdent(c.name)} AS ${quoteIdent(`o_${c.name}`.slice(0, 63))}`,
      )
      .join(", ");
    const { rows } = await pool().query({
      text: `SELECT ${sel} FROM ${staging} s JOIN ${production} p ON ${on}
             WHERE s._batch_id = $1 AND p._hash <> ${rowHashSql(def, "s")} ORDER BY s._row LIMIT 20`,
      values: [batchId],
      types: { getTypeParser: () => (v: string) => v } as never,
    });
    for (const r of rows) {
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      const changed: string[] = [];
      for (const c of def.columns) {
        before[c.name] = r[`o_${c.name}`.slice(0, 63)];
        after[c.name] = r[`n_${c.name}`.slice(0, 63)];
        if (before[c.name] !== after[c.name]) changed.push(c.name);
      }
      sample.push({
        key: maskRow(Object.fromEntries(def.key.map((k) => [k, after[k]])), masked),
        before: maskRow(before, masked),
        after: maskRow(after, masked),
        changed,
      });
    }
  }
  const report = await db().qualityReport.findUnique({
    where: { batchId },
    select: { overall: true, passed: true, minScore: true, gate: true },
  });
  return {
    batchId,
    dataset: def.name,
    fileName: batch.upload.fileName,
    /** The quality gate promotion is held to; null while the report is being computed. */
    quality: report && {
      overall: report.overall,
      passed: report.passed,
      minScore: report.minScore,
      failures:
        (report.gate as { failures?: { score: string; value: number | null; min: number }[] }).failures ?? [],
    },
    mode,
    key: def.key,
    alreadyApplied: applied ? applied.id : null,
    insert: mode === "append" ? counts.new : counts.new,
    update: counts.changed,
    unchanged: counts.unchanged,
    delete: deletes,
    sampleChanged: sample,
  };
}

/** Staged batches not in production, newest first, with what promoting them would do. */
export async function readyBatches() {
  const batches = await db().batch.findMany({
    where: { status: "staged", promotions: { none: { status: "applied" } } },
    orderBy: { stagedAt: "desc" },
    take: 100,
    include: {
      dataset: { select: { name: true, title: true } },
      upload: { select: { fileName: true, createdBy: true } },
      qualityReport: { select: { overall: true, passed: true } },
    },
  });
  return batches.map((b) => ({
    quality: b.qualityReport,
    batchId: b.id,
    jobId: b.jobId,
    dataset: b.dataset.name,
    fileName: b.upload.fileName,
    uploadedBy: b.upload.createdBy,
    stagedAt: b.stagedAt?.toISOString() ?? null,
    rows: b.valid,
    rejected: b.rejected,
    classification: b.classification as { new: number; changed: number; unchanged: number },
  }));
}

export async function listPromotions(opts: { dataset?: string; limit?: number } = {}) {
  const promotions = await db().promotion.findMany({
    where: opts.dataset ? { dataset: { name: opts.dataset } } : undefined,
    orderBy: { createdAt: "desc" },
    take: opts.limit ?? 100,
    include: {
      dataset: { select: { name: true } },
      batch: { select: { id: true, jobId: true, upload: { select: { fileName: true } } } },
    },
  });
  return promotions.map((p) => ({
    id: p.id,
    dataset: p.dataset.name,
    batchId: p.batchId,
    jobId: p.batch.jobId,
    fileName: p.batch.upload.fileName,
    mode: p.mode,
    status: p.status,
    inserted: p.inserted,
    updated: p.updated,
    unchanged: p.unchanged,
    deleted: p.deleted,
    auto: p.auto,
    qualityScore: p.qualityScore,
    overrideReason: p.overrideReason,
    createdBy: p.createdBy,
    createdAt: p.createdAt.toISOString(),
    durationMs: p.durationMs,
    revertedAt: p.revertedAt?.toISOString() ?? null,
    revertedBy: p.revertedBy,
  }));
}
