import type pg from "pg";
import { type ConsistencyRule, type DatasetDefinition, ruleLabel } from "@/datasets/definition";
import { quoteIdent } from "@/db/identifiers";
import type { ProfileSource } from "./profile";

/**
 * Rule violations with samples: the rules checked while loading (from the batch's rejected rows)
 * and the dataset's cross-field consistency rules (checked here, on the staged or production rows).
 */
export interface ViolationSample {
  row: number | null;
  line: number | null;
  value: string | null;
  message?: string;
}

export interface Violation {
  /** `load` (the row was rejected while loading) or `consistency` (a cross-field rule on kept rows). */
  kind: "load" | "consistency";
  column: string;
  rule: string;
  count: number;
  /** Of the rows checked (loaded rows for load rules, kept rows for consistency rules). */
  percent: number;
  samples: ViolationSample[];
}

const SAMPLES = 3;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** The SQL operator of a rule; the enum is closed, so nothing typed by a user reaches SQL. */
const SQL_OP: Record<ConsistencyRule["op"], string> = {
  "<": "<",
  "<=": "<=",
  "=": "=",
  "<>": "<>",
  ">=": ">=",
  ">": ">",
};

/** The first few rejected rows of each column and rule, with row and line numbers. */
export async function loadViolationSamples(pool: pg.Pool, batchId: string) {
  const { rows } = await pool.query<{
    column: string;
    rule: string;
    row_number: number;
    line_number: number;
    value: string | null;
    message: string | null;
  }>(
    `SELECT "column", rule, row_number, line_number, value, message FROM (
       SELECT v->>'column' AS "column", v->>'rule' AS rule, r.row_number, r.line_number, v->>'value' AS value,
         v->>'message' AS message,
         row_number() OVER (PARTITION BY v->>'column', v->>'rule' ORDER BY r.row_number) AS rn
       FROM app.batch_rejects r, jsonb_array_elements(r.violations) v WHERE r.batch_id = $1) x
     WHERE rn <= ${SAMPLES} ORDER BY "column", rule, row_number`,
    [batchId],
  );
  const out = new Map<string, ViolationSample[]>();
  for (const r of rows) {
    // Duplicates are recorded under the key's columns; the summary calls that column "(key)".
    const k = r.rule === "duplicate" ? "(key):duplicate" : `${r.column}:${r.rule}`;
    const list = out.get(k) ?? [];
    list.push({ row: r.row_number, line: r.line_number, value: r.value, message: r.message ?? undefined });
    out.set(k, list);
  }
  return out;
}

export interface RuleResult {
  rule: string;
  left: string;
  right: string;
  op: string;
  /** Rows where both sides are filled (the only ones a rule judges). */
  judged: number;
  failed: number;
}

/**
 * Counts, in one scan, the rows breaking each cross-field rule and those breaking any; then a few
 * sample rows per broken rule. Rows with an empty side are not judged.
 */
export async function checkConsistency(
  pool: pg.Pool,
  def: DatasetDefinition,
  src: ProfileSource,
  hasLines: boolean,
): Promise<{ results: RuleResult[]; failedAny: number; violations: Omit<Violation, "percent">[] }> {
  const rules = def.quality.rules ?? [];
  if (!rules.length) return { results: [], failedAny: 0, violations: [] };
  const cond = (r: ConsistencyRule) => `(${quoteIdent(r.left)} ${SQL_OP[r.op]} ${quoteIdent(r.right)})`;
  const where = src.where ? `WHERE ${src.where}` : "";
  const params = src.where ? [src.param] : [];
  const parts = rules.flatMap((r, i) => [
    `count(*) FILTER (WHERE ${cond(r)} IS NOT NULL)::int AS j${i}`,
    `count(*) FILTER (WHERE NOT ${cond(r)})::int AS f${i}`,
  ]);
  const any = rules.map((r) => `coalesce(${cond(r)}, true)`).join(" AND ");
  const { rows } = await pool.query(
    `SELECT ${parts.join(", ")}, count(*) FILTER (WHERE NOT (${any}))::int AS failed_any FROM ${src.table} ${where}`,
    params,
  );
  const a = rows[0] ?? {};
  const results = rules.map(
    (r, i): RuleResult => ({
      rule: ruleLabel(r),
      left: r.left,
      op: r.op,
      right: r.right,
      judged: a[`j${i}`] ?? 0,
      failed: a[`f${i}`] ?? 0,
    }),
  );
  const violations = await Promise.all(
    results
      .map((res, i) => ({ res, r: rules[i]! }))
      .filter(({ res }) => res.failed > 0)
      .map(async ({ res, r }) => {
        const order = hasLines ? "_row" : "1";
        const { rows: s } = await pool.query<{
          row: number | null;
          line: number | null;
          l: string;
          r: string;
        }>(
          `SELECT ${hasLines ? "_row AS row, _line AS line" : "NULL::int AS row, NULL::int AS line"},
             ${quoteIdent(r.left)}::text AS l, ${quoteIdent(r.right)}::text AS r
           FROM ${src.table} ${where ? `${where} AND` : "WHERE"} NOT ${cond(r)} ORDER BY ${order} LIMIT ${SAMPLES}`,
          params,
        );
        return {
          kind: "consistency" as const,
          column: `${r.left}, ${r.right}`,
          rule: res.rule,
          count: res.failed,
          samples: s.map((x) => ({
            row: x.row,
            line: x.line,
            value: `${r.left} = ${x.l}; ${r.right} = ${x.r}`,
            message: `breaks ${r.left} ${r.op} ${r.right}`,
          })),
        };
      }),
  );
  return { results, failedAny: a.failed_any ?? 0, violations };
}

export const percentOf = (count: number, total: number) => (total ? round2((count / total) * 100) : 0);
