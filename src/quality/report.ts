import type pg from "pg";
import type { Role } from "@/auth/roles";
import type { DatasetDefinition } from "@/datasets/definition";
import { MASK, maskedColumns, maskValue } from "@/datasets/pii";
import { parseDefinition } from "@/datasets/registry";
import { productionTable, stagingTable } from "@/datasets/tables";
import { db } from "@/db/prisma";
import type { Prisma } from "@/generated/prisma/client";
import { violationSummary } from "@/ingest/rejects";
import { AppError } from "@/server/errors";
import { computeDrift, type Drift } from "./drift";
import {
  type ColumnProfile,
  type Histogram,
  type ProfileSource,
  profileColumns,
  sampleRowNumbers,
} from "./profile";
import { checkConsistency, loadViolationSamples, percentOf, type RuleResult, type Violation } from "./rules";
import {
  computeScores,
  effectiveWeights,
  type Gate,
  judgeGate,
  overallScore,
  type Score,
  type ScoreName,
} from "./scores";
import { mergeLengths, mergeShapes, SHAPED_TYPES, shapeOf } from "./shapes";

/**
 * The quality report of a staged batch (or, for the scheduled check, of production.<dataset>),
 * computed in SQL by a worker and stored: column profiles, rule violations with sample rows,
 * scores with how each was computed, the gate, and drift against the previous promoted batch.
 */
export type { ColumnProfile, Drift, Gate, Score, Violation };

const json = (v: unknown) => v as Prisma.InputJsonValue;

/** The batch of the dataset's newest applied promotion (other than `exceptBatchId`), with its report. */
async function previousPromoted(datasetId: string, exceptBatchId: string | null) {
  const promotion = await db().promotion.findFirst({
    where: { datasetId, status: "applied", ...(exceptBatchId ? { batchId: { not: exceptBatchId } } : {}) },
    orderBy: { createdAt: "desc" },
    include: { batch: { include: { qualityReport: true, upload: { select: { fileName: true } } } } },
  });
  const report = promotion?.batch.qualityReport;
  if (!promotion || !report) return null;
  return {
    against: {
      batchId: promotion.batchId,
      promotionId: promotion.id,
      promotedAt: promotion.createdAt.toISOString(),
      fileName: promotion.batch.upload.fileName,
    },
    rowCount: report.rowCount || promotion.batch.valid,
    profiles: report.profiles as unknown as ColumnProfile[],
  };
}

interface Computed {
  rowCount: number;
  profiles: ColumnProfile[];
  scores: Record<ScoreName, Score>;
  overall: number;
  gate: Gate;
  consistency: RuleResult[];
  consistencyViolations: Omit<Violation, "percent">[];
  drift: Drift | null;
}

async function profileAndScore(
  pool: pg.Pool,
  def: DatasetDefinition,
  src: ProfileSource,
  rowCount: number,
  load: { checked: number; valid: number; duplicates: number } | null,
  previous: Awaited<ReturnType<typeof previousPromoted>>,
): Promise<Computed> {
  const prevHist = new Map<string, Histogram>();
  for (const p of previous?.profiles ?? []) if (p.histogram) prevHist.set(p.column, p.histogram);
  const [{ profiles, edgeCounts }, consistency] = await Promise.all([
    profileColumns(pool, def.columns, src, rowCount, (c) => prevHist.get(c) ?? null),
    checkConsistency(pool, def, src, load !== null),
  ]);
  const scores = computeScores({ def, rows: rowCount, load, profiles, consistency, now: new Date() });
  const overall = overallScore(scores);
  return {
    rowCount,
    profiles,
    scores,
    overall,
    gate: judgeGate(def, overall, scores),
    consistency: consistency.results,
    consistencyViolations: consistency.violations,
    drift: previous
      ? computeDrift(def.key, previous.against, previous, { rowCount, profiles }, edgeCounts)
      : null,
  };
}

/**
 * The loader counted shapes (and length ranges) of every valid row; rows later set aside as key
 * duplicates are taken off again (negative counts), from the staged values kept with their reject.
 */
async function duplicateShapes(pool: pg.Pool, def: DatasetDefinition, batchId: string) {
  const shaped = def.columns.filter((c) => SHAPED_TYPES.has(c.type)).map((c) => c.name);
  const { rows } = await pool.query<{ values: Record<string, unknown> }>(
    `SELECT "values" FROM app.batch_rejects WHERE batch_id = $1 AND violations @> '[{"rule":"duplicate"}]'`,
    [batchId],
  );
  const out: Record<string, Record<string, number>> = {};
  const removed: { column: string; value: string }[] = [];
  for (const r of rows) {
    for (const c of shaped) {
      const v = r.values[c];
      if (typeof v !== "string") continue;
      removed.push({ column: c, value: v });
      out[c] ??= {};
      const m = out[c];
      const sh = shapeOf(v);
      m[sh] = (m[sh] ?? 0) - 1;
    }
  }
  return { shapes: out, removed };
}

export async function computeQualityReport(pool: pg.Pool, batchId: string): Promise<void> {
  const started = Date.now();
  const batch = await db().batch.findUnique({ where: { id: batchId }, include: { dataset: true } });
  if (batch?.status !== "staged") return;
  const def = parseDefinition(batch.dataset.definition);
  const staged = batch.valid;
  const checked = batch.valid + batch.rejected;
  const [previous, summary, samples, chunks] = await Promise.all([
    previousPromoted(batch.datasetId, batchId),
    violationSummary(batchId),
    loadViolationSamples(pool, batchId),
    db().batchChunk.findMany({ where: { batchId }, select: { shapes: true } }),
  ]);
  const counted = chunks.map((ch) => ch.shapes as Record<string, Record<string, number>> | null);
  const duplicates = batch.duplicates ? await duplicateShapes(pool, def, batchId) : null;
  const shapes = mergeShapes([...counted, duplicates?.shapes ?? null]);
  const lengths = mergeLengths(counted, duplicates?.removed);
  const c = await profileAndScore(
    pool,
    def,
    {
      table: stagingTable(def.name),
      where: "_batch_id = $1",
      param: batchId,
      shapes,
      lengths,
      unique: def.key.length === 1 ? def.key[0] : undefined,
      // Rows spread over the file, found by the primary key (_batch_id, _row).
      sample: { where: "_row = ANY($1::int[])", param: sampleRowNumbers(batch.rows) },
    },
    staged,
    { checked, valid: batch.valid, duplicates: batch.duplicates },
    previous,
  );
  const violations: Violation[] = [
    ...summary.map((v) => ({
      kind: "load" as const,
      column: v.column,
      rule: v.rule,
      count: v.count,
      percent: percentOf(v.count, batch.valid + batch.rejected + batch.duplicates),
      samples: samples.get(`${v.column}:${v.rule}`) ?? [],
    })),
    ...c.consistencyViolations.map((v) => ({ ...v, percent: percentOf(v.count, staged) })),
  ];
  for (const v of summary) {
    const p = c.profiles.find((x) => x.column === v.column);
    if (p) p.invalid[v.rule] = v.count;
  }
  await store(batch.datasetId, batchId, "batch", def, c, violations, started);
}

/**
 * The scheduled production check: profiles production.<dataset> and records the same scores as a
 * report of kind `production` (validity does not apply: those rows passed the rules when loaded).
 */
export async function computeProductionCheck(pool: pg.Pool, datasetName: string) {
  const started = Date.now();
  const dataset = await db().dataset.findUnique({ where: { name: datasetName } });
  if (!dataset) throw new AppError("NOT_FOUND", `No dataset ${datasetName}`);
  const def = parseDefinition(dataset.definition);
  const table = productionTable(def.name);
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  const c = await profileAndScore(
    pool,
    def,
    { table, where: null, param: null, unique: def.key.length === 1 ? def.key[0] : undefined },
    rows[0]!.n,
    null,
    null,
  );
  const violations: Violation[] = c.consistencyViolations.map((v) => ({
    ...v,
    percent: percentOf(v.count, c.rowCount),
  }));
  return store(dataset.id, null, "production", def, c, violations, started);
}

async function store(
  datasetId: string,
  batchId: string | null,
  kind: "batch" | "production",
  def: DatasetDefinition,
  c: Computed,
  violations: Violation[],
  started: number,
) {
  const data = {
    datasetId,
    kind,
    rowCount: c.rowCount,
    overall: c.overall,
    passed: c.gate.passed,
    minScore: def.quality.minScore,
    scores: json({ ...c.scores, _rules: c.consistency }),
    profiles: json(c.profiles),
    violations: json(violations),
    gate: json(c.gate),
    drift: c.drift ? json(c.drift) : undefined,
    durationMs: Date.now() - started,
  };
  if (batchId) {
    return db().qualityReport.upsert({ where: { batchId }, create: { ...data, batchId }, update: {} });
  }
  return db().qualityReport.create({ data });
}

type StoredReport = NonNullable<Awaited<ReturnType<ReturnType<typeof db>["qualityReport"]["findUnique"]>>>;

/** A stored report as both doors answer it. */
export function reportView(report: StoredReport, def: DatasetDefinition | null, viewer: Role) {
  const masked = def ? maskedColumns(def, viewer) : new Set<string>();
  const { _rules, ...scores } = report.scores as unknown as Record<ScoreName, Score> & {
    _rules?: RuleResult[];
  };
  return {
    id: report.id,
    kind: report.kind as "batch" | "production",
    batchId: report.batchId,
    rows: report.rowCount,
    overall: report.overall,
    passed: report.passed,
    minScore: report.minScore,
    minScores: def?.quality.minScores ?? {},
    gate: report.gate as unknown as Gate,
    weights: effectiveWeights(scores as Record<ScoreName, Score>),
    weightsHow: "overall = weighted mean of the scores that apply, weights renormalised over them",
    scores: scores as Record<ScoreName, Score>,
    rules: _rules ?? [],
    profiles: maskProfiles(report.profiles as unknown as ColumnProfile[], masked),
    violations: maskViolations(report.violations as unknown as Violation[], masked),
    drift: maskDrift((report.drift ?? null) as Drift | null, masked),
    computedAt: report.computedAt.toISOString(),
    durationMs: report.durationMs,
  };
}

export type QualityReportView = ReturnType<typeof reportView>;

/**
 * The stored report of a batch, as GET /api/v1/batches/{id}/quality answers it. Personal-data
 * columns show no values (profiles, violation samples, drift) to a role that sees them masked.
 */
export async function qualityReport(batchId: string, viewer: Role) {
  const report = await db().qualityReport.findUnique({ where: { batchId } });
  if (!report) {
    const batch = await db().batch.findUnique({ where: { id: batchId } });
    if (!batch) throw new AppError("NOT_FOUND", `No batch ${batchId}`);
    throw new AppError(
      "CONFLICT",
      `The quality report of batch ${batchId} is not ready (the batch is ${batch.status})`,
    );
  }
  const batch = await db().batch.findUnique({
    where: { id: batchId },
    include: { dataset: true, upload: { select: { fileName: true, createdBy: true } } },
  });
  const def = batch ? parseDefinition(batch.dataset.definition) : null;
  return {
    ...reportView(report, def, viewer),
    batchId,
    dataset: batch?.dataset.name ?? null,
    fileName: batch?.upload.fileName ?? null,
    uploadedBy: batch?.upload.createdBy ?? null,
    jobId: batch?.jobId ?? null,
    loaded: batch
      ? { rows: batch.rows, valid: batch.valid, rejected: batch.rejected, duplicates: batch.duplicates }
      : null,
  };
}

function maskProfiles(profiles: ColumnProfile[], masked: ReadonlySet<string>): ColumnProfile[] {
  if (masked.size === 0) return profiles;
  const mask = (values?: { value: string; count: number }[]) =>
    values?.map((t) => ({ ...t, value: maskValue(t.value, true) }));
  return profiles.map((p) =>
    masked.has(p.column)
      ? {
          ...p,
          top: mask(p.top) ?? [],
          ...(p.values && { values: mask(p.values) }),
          ...(p.min !== undefined && { min: maskValue(p.min, true) }),
          ...(p.max !== undefined && { max: maskValue(p.max, true) }),
          ...(p.mean !== undefined && { mean: null }),
          ...(p.percentiles && { percentiles: undefined }),
          ...(p.histogram !== undefined && { histogram: null }),
        }
      : p,
  );
}

const touchesMasked = (column: string, masked: ReadonlySet<string>) =>
  column.split(/,\s*/).some((c) => masked.has(c));

function maskViolations(violations: Violation[], masked: ReadonlySet<string>): Violation[] {
  if (masked.size === 0) return violations;
  return violations.map((v) =>
    touchesMasked(v.column, masked)
      ? {
          ...v,
          samples: v.samples.map((x) => ({
            ...x,
            value: maskValue(x.value, true),
            ...(x.message !== undefined && {
              message: `breaks the ${v.rule} rule (the value is personal data)`,
            }),
          })),
        }
      : v,
  );
}

function maskDrift(drift: Drift | null, masked: ReadonlySet<string>): Drift | null {
  if (!drift || masked.size === 0) return drift;
  return {
    ...drift,
    columns: drift.columns.map((c) =>
      masked.has(c.column) && c.newValues
        ? { ...c, newValues: c.newValues.map((n) => ({ ...n, value: MASK })) }
        : c,
    ),
    moved: drift.moved.map((line) =>
      [...masked].some((m) => line.startsWith(`${m}:`) || line.startsWith(`${m} `)) && /new value/i.test(line)
        ? `${line.split(/[: ]/)[0]}: new values (personal data)`
        : line,
    ),
  };
}
