import { type DatasetDefinition, SCORE_NAMES } from "@/datasets/definition";
import type { ColumnProfile } from "./profile";

/**
 * Scores 0–100, each saying how it was computed, and the gate. Scores that do not apply (no
 * natural key, no cross-field rules, no freshness setting) are null and left out of the overall
 * score, whose weights are renormalised over those that apply and shown.
 */
export type ScoreName = (typeof SCORE_NAMES)[number];

export interface Score {
  /** 0–100, or null when it does not apply to this dataset. */
  value: number | null;
  weight: number;
  how: string;
}

export interface Gate {
  passed: boolean;
  /** What failed: the overall score or a per-score minimum. */
  failures: { score: ScoreName | "overall"; value: number | null; min: number }[];
}

export const WEIGHTS: Record<ScoreName, number> = {
  completeness: 0.25,
  validity: 0.5,
  uniqueness: 0.25,
  consistency: 0.15,
  freshness: 0.1,
};

const round1 = (n: number) => Math.round(n * 10) / 10;

export interface ScoreInput {
  def: DatasetDefinition;
  /** Rows profiled (staged rows of the batch, or production rows). */
  rows: number;
  /** For a batch: rows checked while loading and how many passed; null for production. */
  load: { checked: number; valid: number; duplicates: number } | null;
  profiles: ColumnProfile[];
  consistency: { failedAny: number } | null;
  now: Date;
}

function freshnessScore(def: DatasetDefinition, profiles: ColumnProfile[], now: Date): Score {
  const f = def.quality.freshness;
  if (!f) return { value: null, weight: 0, how: "the dataset sets no freshness expectation" };
  const newest = profiles.find((p) => p.column === f.column)?.max ?? null;
  const how = `age of the newest ${f.column} against ${f.maxAgeHours} h: 100 when within it, falling linearly to 0 at twice it`;
  if (!newest) return { value: 0, weight: WEIGHTS.freshness, how: `${how}; no ${f.column} value at all` };
  // Dates are whole days: a date counts as its end of day (UTC).
  const at = /^\d{4}-\d{2}-\d{2}$/.test(newest) ? Date.parse(`${newest}T23:59:59Z`) : Date.parse(newest);
  const ageHours = Math.max(0, (now.getTime() - at) / 3_600_000);
  const value =
    ageHours <= f.maxAgeHours ? 100 : Math.max(0, 100 * (1 - (ageHours - f.maxAgeHours) / f.maxAgeHours));
  return {
    value: round1(value),
    weight: WEIGHTS.freshness,
    how: `${how}; newest ${newest}, ${round1(ageHours)} h old`,
  };
}

export function computeScores(x: ScoreInput): Record<ScoreName, Score> {
  const { def, rows, load, profiles } = x;
  const filledCells = profiles.reduce((s, p) => s + p.filled, 0);
  const required = def.columns.filter((c) => c.required).map((c) => c.name);
  const rules = def.quality.rules ?? [];
  return {
    completeness: {
      value: rows ? round1((filledCells / (rows * def.columns.length)) * 100) : 0,
      weight: WEIGHTS.completeness,
      how: `filled cells over all cells of the ${rows} ${load ? "staged" : "production"} rows, ${def.columns.length} columns (required: ${required.join(", ") || "none"}, always filled; the rest optional)`,
    },
    validity: load
      ? {
          value: load.checked ? round1((load.valid / load.checked) * 100) : 0,
          weight: WEIGHTS.validity,
          how: `rows passing every column rule, over all rows checked (${load.valid} of ${load.checked}; duplicates aside)`,
        }
      : { value: null, weight: 0, how: "production rows were validated when they were loaded" },
    uniqueness: !def.key.length
      ? { value: null, weight: 0, how: "the dataset has no natural key" }
      : load
        ? {
            value:
              load.valid + load.duplicates ? round1((load.valid / (load.valid + load.duplicates)) * 100) : 0,
            weight: WEIGHTS.uniqueness,
            how: `rows with a natural key (${def.key.join(", ")}) not seen before in the batch, over valid rows (${load.duplicates} repeated)`,
          }
        : {
            value: 100,
            weight: WEIGHTS.uniqueness,
            how: `production is keyed by (${def.key.join(", ")}): every key appears once`,
          },
    consistency:
      rules.length && x.consistency
        ? {
            value: rows ? round1(((rows - x.consistency.failedAny) / rows) * 100) : 0,
            weight: WEIGHTS.consistency,
            how: `rows passing every cross-field rule (${rules.map((r) => `${r.left} ${r.op} ${r.right}`).join("; ")}) over all ${rows} rows; ${x.consistency.failedAny} break one; rows with an empty side are not judged`,
          }
        : { value: null, weight: 0, how: "the dataset declares no cross-field rules" },
    freshness: freshnessScore(def, profiles, x.now),
  };
}

export function overallScore(scores: Record<ScoreName, Score>): number {
  const applicable = Object.values(scores).filter((s) => s.value !== null && s.weight > 0);
  const weightSum = applicable.reduce((s, x) => s + x.weight, 0);
  return weightSum ? round1(applicable.reduce((s, x) => s + (x.value ?? 0) * x.weight, 0) / weightSum) : 0;
}

/** The weights actually used: those of the scores that apply, renormalised to sum to 1. */
export function effectiveWeights(scores: Record<ScoreName, Score>): Partial<Record<ScoreName, number>> {
  const applicable = SCORE_NAMES.filter((k) => scores[k].value !== null && scores[k].weight > 0);
  const sum = applicable.reduce((s, k) => s + scores[k].weight, 0);
  return Object.fromEntries(applicable.map((k) => [k, Math.round((scores[k].weight / sum) * 1000) / 1000]));
}

export function judgeGate(def: DatasetDefinition, overall: number, scores: Record<ScoreName, Score>): Gate {
  const failures: Gate["failures"] = [];
  if (overall < def.quality.minScore)
    failures.push({ score: "overall", value: overall, min: def.quality.minScore });
  for (const [name, min] of Object.entries(def.quality.minScores ?? {}) as [ScoreName, number][]) {
    const v = scores[name]?.value;
    if (v !== null && v !== undefined && v < min) failures.push({ score: name, value: v, min });
  }
  return { passed: failures.length === 0, failures };
}
