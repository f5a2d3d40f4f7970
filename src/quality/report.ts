import type pg from "pg";
import type { Role } from "@/auth/roles";
import type { DatasetDefinition } from "@/datasets/definition";
import { maskedColumns, maskValue } from "@/datasets/pii";
import { parseDefinition } from "@/datasets/registry";
import { stagingTable } from "@/datasets/tables";
import { quoteIdent } from "@/db/identifiers";
import { db } from "@/db/prisma";
import type { Prisma } from "@/generated/prisma/client";
import { violationSummary } from "@/ingest/rejects";
import { AppError } from "@/server/errors";

/**
 * The quality report of a staged batch, computed in SQL on the staged table (not row by row in
 * JavaScript) by a worker right after staging, and stored. Every score says how it was computed;
 * scores that do not apply (no natural key, no cross-field rules, no freshness setting) are null
 * and left out of the overall score, whose weights are stated.
 */
export interface Score {
  /** 0–100, or null when it does not apply to this dataset. */
  value: number | null;
  weight: number;
  how: string;
}

export interface ColumnProfile {
  column: string;
  type: string;
  nullPercent: number;
  distinct: number;
  top: { value: string; count: number }[];
  min?: string | null;
  max?: string | null;
  mean?: number | null;
  minLength?: number | null;
  maxLength?: number | null;
  invalid: Record<string, number>;
}

const WEIGHTS = {
  completeness: 0.25,
  validity: 0.5,
  uniqueness: 0.25,
  consistency: 0,
  freshness: 0,
} as const;
const NUMERIC = new Set(["integer", "decimal"]);
const ORDERED = new Set(["integer", "decimal", "date", "timestamp"]);

const round1 = (n: number) => Math.round(n * 10) / 10;

async function profileColumns(pool: pg.Pool, def: DatasetDefinition, batchId: string, staged: number) {
  const staging = stagingTable(def.name);
  // One scan for counts, distincts and ranges of every column…
  const parts = def.columns.flatMap((c, i) => {
    const q = quoteIdent(c.name);
    const out = [`count(${q})::int AS n${i}`];
    if (ORDERED.has(c.type)) out.push(`min(${q})::text AS lo${i}`, `max(${q})::text AS hi${i}`);
    if (NUMERIC.has(c.type)) out.push(`avg(${q})::float8 AS mean${i}`);
    if (!ORDERED.has(c.type) && c.type !== "boolean")
      out.push(`min(length(${q}))::int AS ml${i}`, `max(length(${q}))::int AS xl${i}`);
    return out;
  });
  const [{ rows: agg }, tops] = await Promise.all([
    pool.query(`SELECT ${parts.join(", ")} FROM ${staging} WHERE _batch_id = $1`, [batchId]),
    // …and, per column in parallel, one hash aggregate that gives both the number of distinct
    // values and the commonest ones (count(DISTINCT) would sort every column instead).
    Promise.all(
      def.columns.map((c) =>
        pool.query<{ value: string; count: number; groups: number }>(
          `SELECT value, count, count(*) OVER ()::int AS groups FROM (
             SELECT ${quoteIdent(c.name)}::text AS value, count(*)::int AS count FROM ${staging}
             WHERE _batch_id = $1 AND ${quoteIdent(c.name)} IS NOT NULL GROUP BY 1) g
           ORDER BY count DESC, value LIMIT 5`,
          [batchId],
        ),
      ),
    ),
  ]);
  const a = agg[0] ?? {};
  return def.columns.map((c, i): ColumnProfile => {
    const filled = a[`n${i}`] ?? 0;
    const p: ColumnProfile = {
      column: c.name,
      type: c.type,
      nullPercent: staged ? round1(((staged - filled) / staged) * 100) : 0,
      distinct: tops[i]!.rows[0]?.groups ?? 0,
      top: tops[i]!.rows.map(({ value, count }) => ({ value, count })),
      invalid: {},
    };
    if (ORDERED.has(c.type)) {
      p.min = a[`lo${i}`] ?? null;
      p.max = a[`hi${i}`] ?? null;
    }
    if (NUMERIC.has(c.type)) p.mean = a[`mean${i}`] ?? null;
    if (`ml${i}` in a) {
      p.minLength = a[`ml${i}`] ?? null;
      p.maxLength = a[`xl${i}`] ?? null;
    }
    return p;
  });
}

export async function computeQualityReport(pool: pg.Pool, batchId: string): Promise<void> {
  const started = Date.now();
  const batch = await db().batch.findUnique({ where: { id: batchId }, include: { dataset: true } });
  if (!batch || batch.status !== "staged") return;
  const def = parseDefinition(batch.dataset.definition);
  const staged = batch.valid;
  const checked = batch.valid + batch.rejected;
  const profiles = await profileColumns(pool, def, batchId, staged);
  const violations = await violationSummary(batchId);
  for (const v of violations) {
    const p = profiles.find((x) => x.column === v.column);
    if (p) p.invalid[v.rule] = v.count;
  }
  const filledCells = profiles.reduce((s, p) => s + (staged * (100 - p.nullPercent)) / 100, 0);
  const scores: Record<keyof typeof WEIGHTS, Score> = {
    completeness: {
      value: staged ? round1((filledCells / (staged * def.columns.length)) * 100) : 0,
      weight: WEIGHTS.completeness,
      how: "filled cells of the staged rows, over all their cells (required and optional columns)",
    },
    validity: {
      value: checked ? round1((batch.valid / checked) * 100) : 0,
      weight: WEIGHTS.validity,
      how: "rows passing every rule, over all rows checked (duplicates aside)",
    },
    uniqueness: def.key.length
      ? {
          value:
            batch.valid + batch.duplicates
              ? round1((batch.valid / (batch.valid + batch.duplicates)) * 100)
              : 0,
          weight: WEIGHTS.uniqueness,
          how: `rows with a natural key (${def.key.join(", ")}) not seen before in the batch, over valid rows`,
        }
      : { value: null, weight: 0, how: "the dataset has no natural key" },
    consistency: { value: null, weight: 0, how: "the dataset declares no cross-field rules" },
    freshness: { value: null, weight: 0, how: "the dataset sets no freshness expectation" },
  };
  const applicable = Object.values(scores).filter((s) => s.value !== null && s.weight > 0);
  const weightSum = applicable.reduce((s, x) => s + x.weight, 0);
  const overall = weightSum
    ? round1(applicable.reduce((s, x) => s + (x.value ?? 0) * x.weight, 0) / weightSum)
    : 0;
  const minScore = def.quality.minScore;
  await db().qualityReport.upsert({
    where: { batchId },
    create: {
      batchId,
      datasetId: batch.datasetId,
      overall,
      passed: overall >= minScore,
      minScore,
      scores: scores as unknown as Prisma.InputJsonValue,
      profiles: profiles as unknown as Prisma.InputJsonValue,
      violations: violations as unknown as Prisma.InputJsonValue,
      durationMs: Date.now() - started,
    },
    update: {},
  });
}

/**
 * The stored report of a batch, as GET /api/v1/batches/{id}/quality answers it. Profiles of
 * personal-data columns show no values (top values, min, max) to a role that sees them masked.
 */
export async function qualityReport(batchId: string, viewer: Role) {
  const report = await db().qualityReport.findUnique({ where: { batchId }, include: { dataset: true } });
  if (!report) {
    const batch = await db().batch.findUnique({ where: { id: batchId } });
    if (!batch) throw new AppError("NOT_FOUND", `No batch ${batchId}`);
    throw new AppError(
      "CONFLICT",
      `The quality report of batch ${batchId} is not ready (the batch is ${batch.status})`,
    );
  }
  return {
    batchId,
    overall: report.overall,
    passed: report.passed,
    minScore: report.minScore,
    weights: "overall = weighted mean of the scores that apply, weights renormalised over them",
    scores: report.scores as unknown as Record<string, Score>,
    profiles: maskProfiles(
      report.profiles as unknown as ColumnProfile[],
      maskedColumns(parseDefinition(report.dataset.definition), viewer),
    ),
    violations: report.violations,
    computedAt: report.computedAt.toISOString(),
    durationMs: report.durationMs,
  };
}

function maskProfiles(profiles: ColumnProfile[], masked: ReadonlySet<string>): ColumnProfile[] {
  if (masked.size === 0) return profiles;
  return profiles.map((p) =>
    masked.has(p.column)
      ? {
          ...p,
          top: p.top.map((t) => ({ ...t, value: maskValue(t.value, true) })),
          ...(p.min !== undefined && { min: maskValue(p.min, true) }),
          ...(p.max !== undefined && { max: maskValue(p.max, true) }),
          ...(p.mean !== undefined && { mean: null }),
        }
      : p,
  );
}
