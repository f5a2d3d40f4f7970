import pg from "pg";
import type { ColumnDefinition } from "@/datasets/definition";
import { quoteIdent } from "@/db/identifiers";

/**
 * Column profiles, computed in SQL. Each column is one query: a hash aggregate of its values
 * (`g`: value → count) read from the table once, and everything else (filled, distinct, top
 * values, min/max/mean, percentiles, histogram, length range) computed from those
 * groups, which are far fewer than rows for most columns. Columns run in parallel on separate
 * connections; all counts are exact.
 */
export interface Histogram {
  /** 10 equal-width buckets from lo to hi (the last includes hi). */
  lo: number;
  hi: number;
  counts: number[];
}

export interface ColumnProfile {
  column: string;
  type: string;
  filled: number;
  nullPercent: number;
  /** Text cells that are the empty string (normalisers may leave them). */
  empty?: number;
  distinct: number;
  top: { value: string; count: number }[];
  /** Every value with its count, when the column has at most CATEGORICAL_MAX distinct values. */
  values?: { value: string; count: number }[];
  min?: string | null;
  max?: string | null;
  mean?: number | null;
  /** p5, p25, p50, p75, p95 (nearest rank, like percentile_disc), for numbers and dates. */
  percentiles?: Record<"p5" | "p25" | "p50" | "p75" | "p95", string | null>;
  histogram?: Histogram | null;
  minLength?: number | null;
  maxLength?: number | null;
  /** Commonest shapes: A = upper-case letters, a = lower-case, 9 = digits, runs collapsed. */
  patterns?: { pattern: string; count: number }[];
  invalid: Record<string, number>;
}

export interface ProfileSource {
  /** A quoted table name. */
  table: string;
  /** SQL condition over the table, with $1 as its one parameter, or null for the whole table. */
  where: string | null;
  param: unknown;
  /** A column whose values are known to be unique here (a one-column natural key). */
  unique?: string;
  /** Text shapes already counted while loading (shapes.ts); when absent they are counted in SQL. */
  shapes?: Map<string, { pattern: string; count: number }[]>;
}

export const NUMERIC = new Set(["integer", "decimal"]);
export const ORDERED = new Set(["integer", "decimal", "date", "timestamp"]);
const TEXTUAL = new Set(["text", "email", "url", "domain", "enum"]);
const SHAPED = new Set(["text", "email", "url", "domain"]);
export const CATEGORICAL_MAX = 50;
const BUCKETS = 10;
const PERCENTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Bucket counts of a numeric column over someone else's edges (for drift), index 0 = below lo, 11 = above hi. */
export type EdgeCounts = number[];

function columnSql(c: ColumnDefinition, src: ProfileSource, edges: Histogram | null, shapesInSql: boolean) {
  const q = quoteIdent(c.name);
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = src.where ? `(${src.where.replace("$1", p(src.param))}) AND ` : "";
  // Ties among the commonest values are broken by bytes, not by the locale's (slow) collation.
  const ord = TEXTUAL.has(c.type) ? 'v COLLATE "C"' : "v";
  const selects = [
    "s.filled",
    "s.groups",
    `(SELECT coalesce(json_agg(json_build_object('value', v::text, 'count', n) ORDER BY n DESC, ${ord}), '[]')
       FROM (SELECT v, n FROM g ORDER BY n DESC, ${ord} LIMIT 10) t) AS top`,
    `CASE WHEN s.groups <= ${CATEGORICAL_MAX} THEN (SELECT json_agg(json_build_object('value', v::text, 'count', n)
       ORDER BY n DESC, ${ord}) FROM g) END AS vals`,
  ];
  if (ORDERED.has(c.type)) {
    selects.push("s.lo::text AS lo", "s.hi::text AS hi");
    const pct = PERCENTILES.map((x) => `min(v) FILTER (WHERE cum >= ${x} * s.filled)::text`).join(", ");
    // Cumulative counts over the distinct values in order: the first value reaching p·n is the
    // p-th percentile (nearest rank), sorting the groups, not the rows.
    selects.push(
      `(SELECT json_build_array(${pct}) FROM (SELECT v, sum(n) OVER (ORDER BY v) AS cum FROM g) x) AS pct`,
    );
  }
  if (NUMERIC.has(c.type)) {
    selects.push("(SELECT (sum(v::numeric * n) / nullif(sum(n), 0))::float8 FROM g) AS mean");
    selects.push("s.lo::float8 AS flo", "s.hi::float8 AS fhi");
    selects.push(
      `(SELECT json_object_agg(b, n) FROM (SELECT least(width_bucket(v::float8, s.lo::float8, s.hi::float8, ${BUCKETS}), ${BUCKETS}) AS b,
         sum(n) AS n FROM g WHERE s.hi > s.lo GROUP BY 1) h) AS hist`,
    );
    if (edges && edges.hi > edges.lo) {
      selects.push(
        `(SELECT json_object_agg(b, n) FROM (SELECT width_bucket(v::float8, ${p(edges.lo)}::float8, ${p(edges.hi)}::float8, ${BUCKETS}) AS b,
           sum(n) AS n FROM g GROUP BY 1) h) AS edge_hist`,
      );
    }
  }
  if (TEXTUAL.has(c.type)) {
    selects.push("s.min_len", "s.max_len", "s.empty");
  }
  if (SHAPED.has(c.type) && shapesInSql) {
    // Production checks have no loader to count shapes while streaming (see shapes.ts): count them
    // here, per distinct value rather than per row.
    selects.push(
      `(SELECT coalesce(json_agg(json_build_object('pattern', pattern, 'count', n) ORDER BY n DESC, pattern), '[]') FROM (
         SELECT regexp_replace(regexp_replace(regexp_replace(left(v, 60), '[a-z]+', 'a', 'g'), '[A-Z]+', 'A', 'g'), '[0-9]+', '9', 'g')
           || CASE WHEN length(v) > 60 THEN '…' ELSE '' END AS pattern, sum(n) AS n
         FROM g GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5) x) AS patterns`,
    );
  }
  // One pass over the groups for the column's own figures (min/max only where order means
  // something: comparing text in the locale's collation is slow and says little).
  const stats = ["coalesce(sum(n), 0)::bigint AS filled", "count(*)::bigint AS groups"];
  if (ORDERED.has(c.type)) stats.push("min(v) AS lo", "max(v) AS hi");
  if (TEXTUAL.has(c.type)) {
    stats.push(
      "min(length(v)) AS min_len",
      "max(length(v)) AS max_len",
      "coalesce(sum(n) FILTER (WHERE v = ''), 0)::bigint AS empty",
    );
  }
  // A one-column natural key is unique in a staged batch (duplicates were set aside) and in
  // production (its primary key): every value is its own group, no aggregate needed.
  const groups =
    src.unique === c.name
      ? `SELECT ${q} AS v, 1::bigint AS n FROM ${src.table} WHERE ${where}${q} IS NOT NULL`
      : `SELECT ${q} AS v, count(*)::bigint AS n FROM ${src.table} WHERE ${where}${q} IS NOT NULL GROUP BY 1`;
  const text = `WITH g AS MATERIALIZED (${groups}),
    s AS (SELECT ${stats.join(", ")} FROM g)
    SELECT ${selects.join(",\n      ")} FROM s`;
  return { text, params };
}

function histogramOf(
  lo: number | null,
  hi: number | null,
  raw: Record<string, number> | null,
): Histogram | null {
  if (lo === null || hi === null || !raw) return null;
  const counts = Array.from({ length: BUCKETS }, (_, i) => Number(raw[String(i + 1)] ?? 0));
  return { lo, hi, counts };
}

/** Profiles one column; `edges` asks for its counts over another profile's histogram (for drift). */
async function profileColumn(
  client: pg.ClientBase,
  c: ColumnDefinition,
  src: ProfileSource,
  rows: number,
  edges: Histogram | null,
): Promise<{ profile: ColumnProfile; edgeCounts: EdgeCounts | null }> {
  const { text, params } = columnSql(c, src, edges, src.shapes === undefined);
  const { rows: out } = await client.query({
    text,
    values: params,
    // bigints (counts) fit in a double here; keep numbers as numbers.
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === 20 ? Number : pg.types.getTypeParser(oid, format as "text"),
    } as never,
  });
  const r = out[0];
  const filled = Number(r.filled);
  const profile: ColumnProfile = {
    column: c.name,
    type: c.type,
    filled,
    nullPercent: rows ? round1(((rows - filled) / rows) * 100) : 0,
    distinct: Number(r.groups),
    top: r.top ?? [],
    invalid: {},
  };
  if (r.vals) profile.values = r.vals;
  if (ORDERED.has(c.type)) {
    profile.min = r.lo ?? null;
    profile.max = r.hi ?? null;
    const pct = (r.pct ?? []) as (string | null)[];
    profile.percentiles = {
      p5: pct[0] ?? null,
      p25: pct[1] ?? null,
      p50: pct[2] ?? null,
      p75: pct[3] ?? null,
      p95: pct[4] ?? null,
    };
  }
  let edgeCounts: EdgeCounts | null = null;
  if (NUMERIC.has(c.type)) {
    profile.mean = r.mean ?? null;
    const lo = r.flo === null ? null : Number(r.flo);
    const hi = r.fhi === null ? null : Number(r.fhi);
    profile.histogram =
      lo !== null && hi !== null && lo === hi
        ? { lo, hi, counts: [filled, ...Array(BUCKETS - 1).fill(0)] }
        : histogramOf(lo, hi, r.hist);
    if (r.edge_hist) {
      edgeCounts = Array.from({ length: BUCKETS + 2 }, (_, i) => Number(r.edge_hist[String(i)] ?? 0));
    }
  }
  if (TEXTUAL.has(c.type)) {
    profile.minLength = r.min_len ?? null;
    profile.maxLength = r.max_len ?? null;
    profile.empty = Number(r.empty ?? 0);
  }
  if (SHAPED.has(c.type)) profile.patterns = src.shapes?.get(c.name) ?? r.patterns ?? [];
  return { profile, edgeCounts };
}

/**
 * Profiles every column, `parallel` at a time on separate connections. Each connection gets a
 * larger work_mem so the hash aggregates of high-cardinality columns stay in memory.
 */
export async function profileColumns(
  pool: pg.Pool,
  columns: ColumnDefinition[],
  src: ProfileSource,
  rows: number,
  edgesOf: (column: string) => Histogram | null = () => null,
  parallel = Number(process.env.QUALITY_PARALLEL) || 3,
): Promise<{ profiles: ColumnProfile[]; edgeCounts: Map<string, EdgeCounts> }> {
  const profiles: ColumnProfile[] = new Array(columns.length);
  const edgeCounts = new Map<string, EdgeCounts>();
  let next = 0;
  const lane = async () => {
    const client = await pool.connect();
    try {
      await client.query("SELECT set_config('work_mem', '256MB', false)");
      for (let i = next++; i < columns.length; i = next++) {
        const c = columns[i]!;
        const t0 = Date.now();
        const out = await profileColumn(client, c, src, rows, edgesOf(c.name));
        if (process.env.QUALITY_DEBUG) console.log(`[quality] ${c.name} ${Date.now() - t0} ms`);
        profiles[i] = out.profile;
        if (out.edgeCounts) edgeCounts.set(c.name, out.edgeCounts);
      }
    } finally {
      await client.query("RESET work_mem").catch(() => undefined);
      client.release();
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, columns.length) }, lane));
  return { profiles, edgeCounts };
}
