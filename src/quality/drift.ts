import type { ColumnProfile, EdgeCounts } from "./profile";

/**
 * Drift of a batch against the previous promoted batch of its dataset: what moved in row count,
 * nulls, distinct counts, numeric distributions (population stability index over the previous
 * batch's histogram buckets) and categorical values. `moved` flags what crossed a threshold.
 */
export interface ColumnDrift {
  column: string;
  nullPercent: { before: number; after: number; moved: boolean };
  distinct: { before: number; after: number; changePercent: number | null; moved: boolean };
  /** Population stability index: < 0.1 stable, 0.1–0.25 some shift, > 0.25 major shift. */
  psi?: { value: number; level: "stable" | "shift" | "major"; moved: boolean };
  /** Values of a categorical column not seen in the previous batch. */
  newValues?: { value: string; count: number }[];
  moved: boolean;
}

export interface Drift {
  against: { batchId: string; promotionId: string; promotedAt: string; fileName: string | null };
  rows: { before: number; after: number; changePercent: number | null; moved: boolean };
  columns: ColumnDrift[];
  /** One line per thing that moved, for the page and for alerts. */
  moved: string[];
  how: string;
}

const THRESHOLDS = { rowsPercent: 10, nullPoints: 1, distinctPercent: 10, psiShift: 0.1, psiMajor: 0.25 };
const round1 = (n: number) => Math.round(n * 10) / 10;
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const change = (before: number, after: number) => (before ? round1(((after - before) / before) * 100) : null);

/** PSI of `actual` against `expected` bucket counts (same buckets); empty buckets count as 0.01 %. */
export function populationStabilityIndex(expected: number[], actual: number[]): number {
  const e = expected.reduce((s, x) => s + x, 0);
  const a = actual.reduce((s, x) => s + x, 0);
  if (!e || !a) return 0;
  let psi = 0;
  for (let i = 0; i < expected.length; i++) {
    const pe = Math.max(expected[i]! / e, 1e-4);
    const pa = Math.max((actual[i] ?? 0) / a, 1e-4);
    psi += (pa - pe) * Math.log(pa / pe);
  }
  return round3(psi);
}

const CATEGORICAL_TYPES = new Set(["enum", "boolean", "text", "email", "url", "domain"]);

export function computeDrift(
  key: string[],
  against: Drift["against"],
  before: { rowCount: number; profiles: ColumnProfile[] },
  after: { rowCount: number; profiles: ColumnProfile[] },
  edgeCounts: Map<string, EdgeCounts>,
): Drift {
  const moved: string[] = [];
  const rowsChange = change(before.rowCount, after.rowCount);
  const rowsMoved = rowsChange !== null && Math.abs(rowsChange) >= THRESHOLDS.rowsPercent;
  if (rowsMoved)
    moved.push(`rows ${before.rowCount} → ${after.rowCount} (${rowsChange! > 0 ? "+" : ""}${rowsChange}%)`);
  const columns: ColumnDrift[] = [];
  for (const now of after.profiles) {
    const prev = before.profiles.find((p) => p.column === now.column);
    if (!prev) continue;
    const nullMoved = now.nullPercent - prev.nullPercent >= THRESHOLDS.nullPoints;
    if (nullMoved) moved.push(`${now.column}: nulls ${prev.nullPercent}% → ${now.nullPercent}%`);
    const dChange = change(prev.distinct, now.distinct);
    // Distinct counts follow the row count; what matters is the share of rows with their own
    // value (a key-like column staying key-like does not move; a category gaining values does).
    const ratio = (distinct: number, filled: number) => (filled ? distinct / filled : 0);
    const ratioMoved =
      Math.abs(ratio(now.distinct, now.filled) - ratio(prev.distinct, prev.filled)) * 100 >=
      THRESHOLDS.distinctPercent;
    const categorical =
      !!prev.values && !!now.values && CATEGORICAL_TYPES.has(now.type) && !key.includes(now.column);
    const distinctMoved =
      dChange !== null &&
      Math.abs(dChange) >= THRESHOLDS.distinctPercent &&
      (ratioMoved || (categorical && prev.distinct * 2 <= prev.filled));
    if (distinctMoved) moved.push(`${now.column}: distinct ${prev.distinct} → ${now.distinct}`);
    const d: ColumnDrift = {
      column: now.column,
      nullPercent: { before: prev.nullPercent, after: now.nullPercent, moved: nullMoved },
      distinct: { before: prev.distinct, after: now.distinct, changePercent: dChange, moved: distinctMoved },
      moved: nullMoved || distinctMoved,
    };
    const edges = edgeCounts.get(now.column);
    if (prev.histogram && edges && !key.includes(now.column)) {
      // Below the previous range joins its first bucket, above joins its last.
      const actual = edges.slice(1, 11);
      actual[0]! += edges[0]!;
      actual[9]! += edges[11]!;
      const value = populationStabilityIndex(prev.histogram.counts, actual);
      const level =
        value >= THRESHOLDS.psiMajor ? "major" : value >= THRESHOLDS.psiShift ? "shift" : "stable";
      d.psi = { value, level, moved: level !== "stable" };
      if (d.psi.moved) {
        d.moved = true;
        moved.push(
          `${now.column}: distribution ${level === "major" ? "shifted a lot" : "shifted"} (PSI ${value})`,
        );
      }
    }
    // New values matter for categories: a non-key column whose values repeat (at most one
    // distinct value per two rows before).
    if (categorical && prev.values && now.values && prev.distinct * 2 <= prev.filled) {
      const seen = new Set(prev.values.map((v) => v.value));
      const fresh = now.values.filter((v) => !seen.has(v.value));
      if (fresh.length) {
        d.newValues = fresh;
        d.moved = true;
        moved.push(`${now.column}: new values ${fresh.map((v) => v.value).join(", ")}`);
      }
    }
    columns.push(d);
  }
  return {
    against,
    rows: { before: before.rowCount, after: after.rowCount, changePercent: rowsChange, moved: rowsMoved },
    columns,
    moved,
    how: `against the batch last promoted to production; flagged: rows ±${THRESHOLDS.rowsPercent}%, nulls +${THRESHOLDS.nullPoints} point, distinct ±${THRESHOLDS.distinctPercent}% when the share of distinct values moves too (or a category's count changes), PSI ≥ ${THRESHOLDS.psiShift} (≥ ${THRESHOLDS.psiMajor} major) over the previous batch's 10 histogram buckets, any value of a categorical column (non-key, values repeating) not seen before; key columns are not compared for distribution`,
  };
}
