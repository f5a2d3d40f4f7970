import { getDataset } from "@/datasets/registry";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import type { Gate, Score, ScoreName } from "./scores";

/**
 * Quality over time, read from the stored reports: every dataset's latest score and trend (failing
 * gates first), and one dataset's scores per batch and per day, rows loaded and rejections by rule.
 */
const TREND = 20;

export async function qualityOverview() {
  const datasets = await db().dataset.findMany({ orderBy: { name: "asc" } });
  const { rows } = await pool().query<{
    dataset_id: string;
    id: string;
    batch_id: string | null;
    kind: string;
    overall: number;
    passed: boolean;
    gate: Gate;
    computed_at: Date;
    row_count: number;
    rn: number;
  }>(
    `SELECT * FROM (
       SELECT dataset_id, id, batch_id, kind, overall, passed, gate, computed_at, row_count,
         row_number() OVER (PARTITION BY dataset_id, kind ORDER BY computed_at DESC)::int AS rn
       FROM app.quality_reports) r
     WHERE rn <= $1 ORDER BY computed_at`,
    [TREND],
  );
  const list = datasets.map((d) => {
    const mine = rows.filter((r) => r.dataset_id === d.id);
    const batches = mine.filter((r) => r.kind === "batch");
    const latest = batches.at(-1) ?? null;
    const production = mine.filter((r) => r.kind === "production").at(-1) ?? null;
    return {
      dataset: d.name,
      title: d.title,
      latest: latest && {
        batchId: latest.batch_id,
        overall: latest.overall,
        passed: latest.passed,
        failures: latest.gate.failures ?? [],
        computedAt: latest.computed_at.toISOString(),
        rows: latest.row_count,
      },
      production: production && {
        overall: production.overall,
        passed: production.passed,
        computedAt: production.computed_at.toISOString(),
        rows: production.row_count,
      },
      trend: batches.map((r) => ({ at: r.computed_at.toISOString(), overall: r.overall })),
      minScore: (d.definition as { quality?: { minScore?: number } }).quality?.minScore ?? 90,
    };
  });
  // Failing gates first, then datasets never checked, then the lowest scores.
  const rank = (x: (typeof list)[number]) => (x.latest ? (x.latest.passed ? 2 : 0) : 1);
  return list.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.latest?.overall ?? 0) - (b.latest?.overall ?? 0) ||
      a.dataset.localeCompare(b.dataset),
  );
}

export async function datasetQuality(name: string) {
  const { id, definition: def } = await getDataset(name);
  const reports = await db().qualityReport.findMany({
    where: { datasetId: id },
    orderBy: { computedAt: "asc" },
    take: 500,
    include: {
      batch: {
        select: {
          id: true,
          jobId: true,
          rows: true,
          valid: true,
          rejected: true,
          duplicates: true,
          violations: true,
          upload: { select: { fileName: true } },
        },
      },
    },
  });
  const scoreValues = (s: unknown) =>
    Object.fromEntries(
      Object.entries(s as Record<string, Score>)
        .filter(([k]) => !k.startsWith("_"))
        .map(([k, v]) => [k, v.value]),
    ) as Record<ScoreName, number | null>;
  const points = reports.map((r) => ({
    id: r.id,
    kind: r.kind as "batch" | "production",
    batchId: r.batchId,
    jobId: r.batch?.jobId ?? null,
    fileName: r.batch?.upload.fileName ?? null,
    at: r.computedAt.toISOString(),
    overall: r.overall,
    passed: r.passed,
    rows: r.rowCount,
    loaded: r.batch?.rows ?? null,
    rejected: r.batch ? r.batch.rejected + r.batch.duplicates : null,
    scores: scoreValues(r.scores),
  }));
  // Per day (UTC): mean overall of the batch reports, rows loaded and rejected.
  const days = new Map<string, { day: string; n: number; sum: number; loaded: number; rejected: number }>();
  for (const p of points.filter((x) => x.kind === "batch")) {
    const day = p.at.slice(0, 10);
    const d = days.get(day) ?? { day, n: 0, sum: 0, loaded: 0, rejected: 0 };
    d.n++;
    d.sum += p.overall;
    d.loaded += p.loaded ?? 0;
    d.rejected += p.rejected ?? 0;
    days.set(day, d);
  }
  // Rejection rate by rule over every batch reported.
  const byRule = new Map<string, number>();
  let loadedRows = 0;
  for (const r of reports) {
    if (!r.batch) continue;
    loadedRows += r.batch.rows;
    for (const [k, n] of Object.entries(r.batch.violations as Record<string, number>)) {
      byRule.set(k, (byRule.get(k) ?? 0) + n);
    }
    if (r.batch.duplicates)
      byRule.set("(key):duplicate", (byRule.get("(key):duplicate") ?? 0) + r.batch.duplicates);
  }
  return {
    dataset: name,
    title: def.name,
    minScore: def.quality.minScore,
    minScores: def.quality.minScores ?? {},
    batches: points.filter((p) => p.kind === "batch"),
    production: points.filter((p) => p.kind === "production"),
    days: [...days.values()].map((d) => ({
      day: d.day,
      overall: Math.round((d.sum / d.n) * 10) / 10,
      batches: d.n,
      loaded: d.loaded,
      rejected: d.rejected,
    })),
    rejectionsByRule: [...byRule]
      .map(([k, count]) => {
        const [column, rule] = k.split(":");
        return {
          column: column!,
          rule: rule!,
          count,
          percent: loadedRows ? Math.round((count / loadedRows) * 10000) / 100 : 0,
        };
      })
      .sort((a, b) => b.count - a.count),
    loadedRows,
  };
}
