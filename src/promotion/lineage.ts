import { z } from "zod";
import type { Role } from "@/auth/roles";
import { maskedColumns, maskRow } from "@/datasets/pii";
import { getDataset, parseDefinition } from "@/datasets/registry";
import { productionTable } from "@/datasets/tables";
import { quoteIdent } from "@/db/identifiers";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { asStored } from "@/ingest/rows";
import { AppError } from "@/server/errors";

/**
 * Where data in production came from, as a chain a reader can follow back: the upload (file name,
 * SHA-256, who, when) → the job that loaded it → the batch it staged → the batch's quality report →
 * its promotion(s) → production. Asked for a batch, or for one production row (found by its natural
 * key; the batch is the one that last wrote it). One function, called by tRPC and REST alike.
 */
export const rowKeySchema = z.record(z.string(), z.union([z.string(), z.number()]));

export interface Lineage {
  dataset: { name: string; title: string };
  upload: {
    id: string;
    fileName: string;
    sha256: string;
    bytes: number;
    uploadedBy: string;
    uploadedAt: string;
  };
  job: {
    id: string;
    type: string;
    status: string;
    createdAt: string;
    startedAt: string | null;
    finishedAt: string | null;
  };
  batch: {
    id: string;
    status: string;
    rows: number;
    valid: number;
    rejected: number;
    duplicates: number;
    stagedAt: string | null;
  };
  quality: { overall: number; passed: boolean; minScore: number; computedAt: string } | null;
  promotions: {
    id: string;
    status: string;
    auto: boolean;
    mode: string;
    inserted: number;
    updated: number;
    unchanged: number;
    deleted: number;
    createdBy: string;
    createdAt: string;
    revertedAt: string | null;
    revertedBy: string | null;
  }[];
  production: {
    /** Production rows whose last writer is this batch, now. */
    rowsFromBatch: number;
    inProduction: boolean;
  };
  /** When asked for a production row: the row as the caller may see it. */
  row?: { key: Record<string, unknown>; values: Record<string, unknown>; updatedAt: string };
}

export async function batchLineage(batchId: string): Promise<Lineage> {
  const batch = await db().batch.findUnique({
    where: { id: batchId },
    include: {
      dataset: true,
      upload: true,
      job: true,
      qualityReport: { select: { overall: true, passed: true, minScore: true, computedAt: true } },
      promotions: { orderBy: { createdAt: "asc" } },
    },
  });
  if (!batch) throw new AppError("NOT_FOUND", `No batch ${batchId}`);
  const def = parseDefinition(batch.dataset.definition);
  const { rows } = await pool().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${productionTable(def.name)} WHERE _batch_id = $1`,
    [batchId],
  );
  const q = batch.qualityReport;
  return {
    dataset: { name: def.name, title: def.title },
    upload: {
      id: batch.upload.id,
      fileName: batch.upload.fileName,
      sha256: batch.upload.sha256,
      bytes: Number(batch.upload.sizeBytes),
      uploadedBy: batch.upload.createdBy,
      uploadedAt: batch.upload.createdAt.toISOString(),
    },
    job: {
      id: batch.job.id,
      type: batch.job.type,
      status: batch.job.status,
      createdAt: batch.job.createdAt.toISOString(),
      startedAt: batch.job.startedAt?.toISOString() ?? null,
      finishedAt: batch.job.finishedAt?.toISOString() ?? null,
    },
    batch: {
      id: batch.id,
      status: batch.status,
      rows: batch.rows,
      valid: batch.valid,
      rejected: batch.rejected,
      duplicates: batch.duplicates,
      stagedAt: batch.stagedAt?.toISOString() ?? null,
    },
    quality: q
      ? { overall: q.overall, passed: q.passed, minScore: q.minScore, computedAt: q.computedAt.toISOString() }
      : null,
    promotions: batch.promotions.map((p) => ({
      id: p.id,
      status: p.status,
      auto: p.auto,
      mode: p.mode,
      inserted: p.inserted,
      updated: p.updated,
      unchanged: p.unchanged,
      deleted: p.deleted,
      createdBy: p.createdBy,
      createdAt: p.createdAt.toISOString(),
      revertedAt: p.revertedAt?.toISOString() ?? null,
      revertedBy: p.revertedBy,
    })),
    production: {
      rowsFromBatch: rows[0]!.n,
      inProduction: batch.promotions.some((p) => p.status === "applied"),
    },
  };
}

/**
 * The lineage of one production row, found by its natural key (every key column, as text or
 * number): the batch that last wrote it, and the row itself with personal data masked for `viewer`.
 */
export async function rowLineage(
  dataset: string,
  key: z.infer<typeof rowKeySchema>,
  viewer: Role,
): Promise<Lineage> {
  const { definition: def } = await getDataset(dataset);
  if (!def.key.length) {
    throw new AppError(
      "BAD_REQUEST",
      `Dataset ${dataset} has no natural key, so a row cannot be named: ask for its batch's lineage (the row's _batch_id)`,
    );
  }
  const missing = def.key.filter((k) => !(k in key));
  const unknown = Object.keys(key).filter((k) => !def.key.includes(k));
  if (missing.length || unknown.length) {
    throw new AppError(
      "BAD_REQUEST",
      `A row of ${dataset} is named by its key (${def.key.join(", ")})${missing.length ? `; missing ${missing.join(", ")}` : ""}${unknown.length ? `; not key columns: ${unknown.join(", ")}` : ""}`,
    );
  }
  const masked = maskedColumns(def, viewer);
  const hidden = def.key.filter((k) => masked.has(k));
  if (hidden.length) {
    // Looking rows up by a masked column would tell whether a value exists.
    throw new AppError(
      "FORBIDDEN",
      `The key of ${dataset} (${hidden.join(", ")}) is personal data, which your role sees masked`,
    );
  }
  const where = def.key.map((k, i) => `${quoteIdent(k)}::text = $${i + 1}`).join(" AND ");
  const cols = def.columns.map((c) => quoteIdent(c.name)).join(", ");
  // Values as the rows API shows them (src/ingest/rows.ts), so the two never disagree.
  const { rows } = await pool().query({
    text: `SELECT ${cols}, _batch_id::text AS "__batch", (extract(epoch FROM _updated_at) * 1000)::float8::text AS "__updated"
           FROM ${productionTable(def.name)} WHERE ${where}`,
    values: def.key.map((k) => String(key[k])),
    types: asStored,
  });
  const found = rows[0] as Record<string, unknown> | undefined;
  if (!found) {
    throw new AppError(
      "NOT_FOUND",
      `No production row of ${dataset} with ${def.key.map((k) => `${k} = ${key[k]}`).join(", ")}`,
    );
  }
  const { __batch, __updated, ...values } = found;
  const lineage = await batchLineage(__batch as string);
  return {
    ...lineage,
    row: {
      key: maskRow(Object.fromEntries(def.key.map((k) => [k, values[k]])), masked),
      values: maskRow(values, masked),
      updatedAt: new Date(Number(__updated)).toISOString(),
    },
  };
}
