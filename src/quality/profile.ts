import pg from "pg";
import type { ColumnDefinition } from "@/datasets/definition";
import { quoteIdent } from "@/db/identifiers";

/**
 * Column profiles, computed in SQL; all counts are exact. Which SQL a column gets depends on
 * whether its values repeat, which a small sample of the rows tells first (2,000 rows):
 *
 * - values that repeat (categories, prices, dates): one hash aggregate of the column (`g`:
 *   value → count) read from the table once, and everything else (filled, distinct, top values,
 *   min/max/mean, percentiles, histogram, length range) computed from those groups, which are far
 *   fewer than rows;
 * - values that are all different (the one-column natural key, and columns whose sample has no
 *   repeat, such as e-mail addresses): grouping would make one group per row, so the figures are
 *   read from the rows in one pass instead: distinct by sorting 64-bit hashes of the values
 *   (no two hashes equal proves no two values equal; a column with a repeat, or two values whose
 *   hashes collide, is profiled the grouped way after all), percentiles by one sort
 *   (`percentile_disc`, the same nearest rank), top values as the first ones in byte order
 *   (each occurs once, collected in the same pass below a bound the sample gives), the histogram
 *   from the exact min and max, text length ranges from the loader when it counted them.
 *
 * Columns run in parallel on separate connections; src/quality/profile.test.ts checks that both
 * ways give the same profile.
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
  /** Length ranges counted while loading (shapes.ts), by column; when absent they are counted in SQL. */
  lengths?: Map<string, { min: number; max: number }>;
  /**
   * Picks the sample rows, with $1 as its one parameter (e.g. evenly spaced row numbers of a
   * batch, found by its primary key); without it, pages are sampled (TABLESAMPLE SYSTEM).
   */
  sample?: { where: string; param: unknown };
}

export const NUMERIC = new Set(["integer", "decimal"]);
export const ORDERED = new Set(["integer", "decimal", "date", "timestamp"]);
const TEXTUAL = new Set(["text", "email", "url", "domain", "enum"]);
const SHAPED = new Set(["text", "email", "url", "domain"]);
export const CATEGORICAL_MAX = 50;
const BUCKETS = 10;
const PERCENTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;
const TOP = 10;
/** Rows read to tell columns whose values repeat from those whose values are all different. */
export const SAMPLE_ROWS = 2000;

/** Up to SAMPLE_ROWS row numbers spread evenly over 1..total (a batch's `_row`). */
export function sampleRowNumbers(total: number): number[] {
  const n = Math.min(total, SAMPLE_ROWS);
  return Array.from({ length: n }, (_, i) => Math.floor((i * total) / n) + 1);
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Bucket counts of a numeric column over someone else's edges (for drift), index 0 = below lo, 11 = above hi. */
export type EdgeCounts = number[];

/** Numbered parameters of one statement. */
function parameters() {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  return { params, p };
}

/** A text shape in SQL, the same as shapeOf in shapes.ts. */
const shapeSql = (v: string) =>
  `regexp_replace(regexp_replace(regexp_replace(left(${v}, 60), '[a-z]+', 'a', 'g'), '[A-Z]+', 'A', 'g'), '[0-9]+', '9', 'g')
     || CASE WHEN length(${v}) > 60 THEN '…' ELSE '' END`;

/** The column's values in order; ties among the commonest values are broken by bytes, not by the locale's (slow) collation. */
const orderOf = (c: ColumnDefinition, v: string) => (TEXTUAL.has(c.type) ? `${v} COLLATE "C"` : v);

/** The column's figures from its groups (value → count): for columns whose values repeat. */
function groupedSql(c: ColumnDefinition, src: ProfileSource, edges: Histogram | null, shapesInSql: boolean) {
  const q = quoteIdent(c.name);
  const { params, p } = parameters();
  const where = src.where ? `(${src.where.replace("$1", p(src.param))}) AND ` : "";
  const ord = orderOf(c, "v");
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
  // Lengths counted while loading spare counting the characters of every group here.
  const countLengths = TEXTUAL.has(c.type) && !src.lengths?.has(c.name);
  if (countLengths) selects.push("s.min_len", "s.max_len");
  if (TEXTUAL.has(c.type)) selects.push("s.empty");
  if (SHAPED.has(c.type) && shapesInSql) {
    // Production checks have no loader to count shapes while streaming (see shapes.ts): count them
    // here, per distinct value rather than per row.
    selects.push(
      `(SELECT coalesce(json_agg(json_build_object('pattern', pattern, 'count', n) ORDER BY n DESC, pattern), '[]') FROM (
         SELECT ${shapeSql("v")} AS pattern, sum(n) AS n
         FROM g GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5) x) AS patterns`,
    );
  }
  // One pass over the groups for the column's own figures (min/max only where order means
  // something: comparing text in the locale's collation is slow and says little).
  const stats = ["coalesce(sum(n), 0)::bigint AS filled", "count(*)::bigint AS groups"];
  if (ORDERED.has(c.type)) stats.push("min(v) AS lo", "max(v) AS hi");
  if (countLengths) stats.push("min(length(v)) AS min_len", "max(length(v)) AS max_len");
  if (TEXTUAL.has(c.type)) stats.push("coalesce(sum(n) FILTER (WHERE v = ''), 0)::bigint AS empty");
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

/**
 * The column's figures from its rows, for a column whose values are all different (the natural
 * key, or a column spreadDistinct proved so). Answers the fields
 * groupedSql does, plus `smallest`: the first CATEGORICAL_MAX values in order, which are the top
 * values and, in a small column, all of them. `below`, a sampled value with CATEGORICAL_MAX
 * sampled values at or below it, lets the same pass collect the few rows that can be among those
 * (`below_n` says how many it found) instead of reading the rows again to find them.
 */
function uniqueSql(
  c: ColumnDefinition,
  src: ProfileSource,
  edges: Histogram | null,
  shapesInSql: boolean,
  below: string | null,
) {
  const q = quoteIdent(c.name);
  const { params, p } = parameters();
  const where = src.where ? `(${src.where.replace("$1", p(src.param))}) AND ` : "";
  const rowsOf = (extra = "") => `FROM ${src.table} WHERE ${where}${q} IS NOT NULL${extra}`;
  const textual = TEXTUAL.has(c.type);
  // Lengths counted while loading spare counting the characters of every row here.
  const countLengths = textual && !src.lengths?.has(c.name);
  const stats = ["count(*)::bigint AS filled"];
  if (ORDERED.has(c.type)) {
    stats.push(
      "min(v) AS lo",
      "max(v) AS hi",
      // Nearest rank: the ceil(p·n)-th value, as min(v) with cumulative count ≥ p·n over groups.
      `(percentile_disc(ARRAY[${PERCENTILES.join(", ")}]::float8[]) WITHIN GROUP (ORDER BY v))::text[] AS pct`,
    );
  }
  if (NUMERIC.has(c.type)) stats.push("sum(v) AS total");
  if (countLengths) {
    // The length once per row (min and max would each count the characters again).
    stats.push(
      "min(len) AS min_len",
      "max(len) AS max_len",
      "count(*) FILTER (WHERE len = 0)::bigint AS empty",
    );
  } else if (textual) {
    stats.push("count(*) FILTER (WHERE v = '')::bigint AS empty");
  }
  if (below !== null) stats.push(`array_agg(v) FILTER (WHERE ${orderOf(c, "v")} <= ${p(below)}) AS below`);
  const smallest =
    below !== null
      ? `SELECT x AS v FROM unnest(a.below) x ORDER BY ${orderOf(c, "x")} LIMIT ${CATEGORICAL_MAX}`
      : `SELECT ${q} AS v ${rowsOf()} ORDER BY ${orderOf(c, q)} LIMIT ${CATEGORICAL_MAX}`;
  const selects = [
    "a.filled",
    "a.filled AS distinct_values",
    `(SELECT coalesce(json_agg(v::text ORDER BY ${orderOf(c, "v")}), '[]') FROM (${smallest}) x) AS smallest`,
    below !== null ? "coalesce(cardinality(a.below), 0) AS below_n" : "NULL::int AS below_n",
  ];
  if (ORDERED.has(c.type)) selects.push("a.lo::text AS lo", "a.hi::text AS hi", "a.pct");
  if (NUMERIC.has(c.type)) {
    selects.push(
      "(a.total::numeric / nullif(a.filled, 0))::float8 AS mean",
      "a.lo::float8 AS flo",
      "a.hi::float8 AS fhi",
      `(SELECT json_object_agg(b, n) FROM (SELECT least(width_bucket(${q}::float8, a.lo::float8, a.hi::float8, ${BUCKETS}), ${BUCKETS}) AS b,
         count(*) AS n ${rowsOf(" AND a.hi > a.lo")} GROUP BY 1) h) AS hist`,
    );
    if (edges && edges.hi > edges.lo) {
      selects.push(
        `(SELECT json_object_agg(b, n) FROM (SELECT width_bucket(${q}::float8, ${p(edges.lo)}::float8, ${p(edges.hi)}::float8, ${BUCKETS}) AS b,
           count(*) AS n ${rowsOf()} GROUP BY 1) h) AS edge_hist`,
      );
    }
  }
  if (countLengths) selects.push("a.min_len", "a.max_len");
  if (textual) selects.push("a.empty");
  if (SHAPED.has(c.type) && shapesInSql) {
    selects.push(
      `(SELECT coalesce(json_agg(json_build_object('pattern', pattern, 'count', n) ORDER BY n DESC, pattern), '[]') FROM (
         SELECT ${shapeSql(q)} AS pattern, count(*) AS n ${rowsOf()} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5) x) AS patterns`,
    );
  }
  const text = `SELECT ${selects.join(",\n      ")}
    FROM (SELECT ${stats.join(", ")} FROM (SELECT ${q} AS v${countLengths ? `, length(${q}) AS len` : ""} ${rowsOf()}) r) a`;
  return { text, params };
}

/**
 * Whether each `spread` column really holds no value twice, for several in one scan: their
 * distinct counts (of 64-bit hashes for text) beside their filled counts. Sorting several columns'
 * values in one statement costs well under a statement per column. Equal counts
 * prove every value different (a hash collision can only make a column look repeating, which
 * profiles it the grouped way: slower, never wrong).
 */
async function spreadDistinct(
  client: pg.ClientBase,
  columns: ColumnDefinition[],
  src: ProfileSource,
): Promise<Map<string, boolean>> {
  const { params, p } = parameters();
  const where = src.where ? ` WHERE ${src.where.replace("$1", p(src.param))}` : "";
  const stats = columns.flatMap((c, i) => {
    const q = quoteIdent(c.name);
    return [
      `count(${q})::bigint AS f${i}`,
      `count(DISTINCT ${TEXTUAL.has(c.type) ? `hashtextextended(${q}, 0)` : q})::bigint AS d${i}`,
    ];
  });
  const { rows } = await client.query({
    text: `SELECT ${stats.join(", ")} FROM ${src.table}${where}`,
    values: params,
  });
  const r = rows[0] as Record<string, string>;
  return new Map(columns.map((c, i) => [c.name, r[`d${i}`] === r[`f${i}`]]));
}

interface Sampled {
  /** No two sampled values are equal. */
  spread: boolean;
  /**
   * The CATEGORICAL_MAX-th smallest sampled value (text), when there were that many and the rows
   * at or below it are expected to be few (BELOW_MAX).
   */
  below: string | null;
}

/** At most this many rows expected at or below a sampled value to collect them in one pass. */
const BELOW_MAX = 200_000;

/**
 * Reads a sample of the rows and tells, per column, whether its sampled values are all different
 * (those are profiled from their rows, the others from their groups), and its CATEGORICAL_MAX-th
 * smallest sampled value.
 */
async function sampleColumns(
  client: pg.ClientBase,
  columns: ColumnDefinition[],
  src: ProfileSource,
  rows: number,
): Promise<Map<string, Sampled>> {
  const { params, p } = parameters();
  const conds: string[] = [];
  if (src.where) conds.push(`(${src.where.replace("$1", p(src.param))})`);
  let from = src.table;
  if (src.sample) conds.push(`(${src.sample.where.replace("$1", p(src.sample.param))})`);
  else if (rows > SAMPLE_ROWS) {
    from += ` TABLESAMPLE SYSTEM (${Math.min(100, (100 * SAMPLE_ROWS) / rows).toFixed(6)}) REPEATABLE (0)`;
  }
  const aggs = columns.flatMap((c, i) => {
    const q = quoteIdent(c.name);
    return [
      `count(${q})::int AS m${i}`,
      `count(DISTINCT ${q})::int AS d${i}`,
      `(array_agg(${q}::text ORDER BY ${orderOf(c, q)}) FILTER (WHERE ${q} IS NOT NULL))[${CATEGORICAL_MAX}] AS b${i}`,
    ];
  });
  const { rows: out } = await client.query(
    `SELECT ${aggs.join(", ")} FROM ${from}${conds.length ? ` WHERE ${conds.join(" AND ")}` : ""}`,
    params,
  );
  const r = out[0] ?? {};
  return new Map(
    columns.map((c, i) => {
      const m: number = r[`m${i}`] ?? 0;
      const few = m > 0 && (rows * CATEGORICAL_MAX) / m <= BELOW_MAX;
      return [c.name, { spread: m > 0 && r[`d${i}`] === m, below: few ? (r[`b${i}`] ?? null) : null }];
    }),
  );
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

/**
 * How a column is profiled: `grouped` from its groups; `unique` from its rows (the one-column
 * natural key: known to be unique); `spread` from its rows if they prove all different.
 */
export type Plan = "grouped" | "unique" | "spread";

/**
 * Profiles one column; `edges` asks for its counts over another profile's histogram (for drift).
 */
async function profileColumn(
  client: pg.ClientBase,
  c: ColumnDefinition,
  src: ProfileSource,
  rows: number,
  edges: Histogram | null,
  plan: Plan,
  below: string | null,
): Promise<{ profile: ColumnProfile; edgeCounts: EdgeCounts | null }> {
  const shapesInSql = src.shapes === undefined;
  const query = async ({ text, params }: { text: string; params: unknown[] }) =>
    (
      await client.query({
        text,
        values: params,
        // bigints (counts) fit in a double here; keep numbers as numbers.
        types: {
          getTypeParser: (oid: number, format?: string) =>
            oid === 20 ? Number : pg.types.getTypeParser(oid, format as "text"),
        } as never,
      })
    ).rows[0];
  const unique = (b: string | null) => uniqueSql(c, src, edges, shapesInSql, b);
  let r = await query(plan === "grouped" ? groupedSql(c, src, edges, shapesInSql) : unique(below));
  if (plan !== "grouped") {
    // Rows changed since the sample (production): fewer than the smallest were at or below it.
    if (r.below_n !== null && r.below_n < Math.min(CATEGORICAL_MAX, r.filled)) r = await query(unique(null));
    // Every value occurs once: the commonest are the first in order, each counted once.
    const smallest = (r.smallest as string[]).map((value) => ({ value, count: 1 }));
    r.groups = r.distinct_values;
    r.top = smallest.slice(0, TOP);
    r.vals = smallest.length && r.filled <= CATEGORICAL_MAX ? smallest : null;
  }
  const known = src.lengths?.get(c.name);
  if (known && TEXTUAL.has(c.type)) {
    r.min_len = r.filled ? known.min : null;
    r.max_len = r.filled ? known.max : null;
  }
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
 * Profiles every column, `parallel` at a time on separate connections, the columns profiled from
 * their rows first (they take longest). Each connection gets a larger work_mem so sorts and hash
 * aggregates stay in memory, and no parallel workers: the columns already keep the cores busy.
 */
export async function profileColumns(
  pool: pg.Pool,
  columns: ColumnDefinition[],
  src: ProfileSource,
  rows: number,
  edgesOf: (column: string) => Histogram | null = () => null,
  parallel = Number(process.env.QUALITY_PARALLEL) || 3,
  /** `grouped`: every column from its groups (slower on unique columns; tests compare the two). */
  plans: "auto" | "grouped" = "auto",
): Promise<{ profiles: ColumnProfile[]; edgeCounts: Map<string, EdgeCounts>; plans: Map<string, Plan> }> {
  const profiles: ColumnProfile[] = new Array(columns.length);
  const used = new Map<string, Plan>();
  const edgeCounts = new Map<string, EdgeCounts>();
  const debug = (m: string) => process.env.QUALITY_DEBUG && console.log(`[quality] ${m}`);
  const work: ({ i: number; plan: Plan } | { check: ColumnDefinition[] })[] = [];
  const allDifferent = new Map<string, boolean>();
  const withLane = async (fn: (client: pg.PoolClient) => Promise<void>) => {
    const client = await pool.connect();
    try {
      await client.query(
        "SELECT set_config('work_mem', '256MB', false), set_config('max_parallel_workers_per_gather', '0', false)",
      );
      await fn(client);
    } finally {
      await client.query("RESET work_mem; RESET max_parallel_workers_per_gather").catch(() => undefined);
      client.release();
    }
  };
  let sampled = new Map<string, Sampled>();
  await withLane(async (client) => {
    const t0 = Date.now();
    sampled = plans === "grouped" ? new Map() : await sampleColumns(client, columns, src, rows);
    const spread = new Set(columns.filter((c) => sampled.get(c.name)?.spread).map((c) => c.name));
    debug(`sample ${Date.now() - t0} ms: all different in ${[...spread].join(", ") || "none"}`);
    const planOf = (c: ColumnDefinition): Plan =>
      plans === "grouped"
        ? "grouped"
        : c.name === src.unique
          ? "unique"
          : spread.has(c.name)
            ? "spread"
            : "grouped";
    const planned = columns.map((c, i) => ({ i, plan: planOf(c) }));
    const check = planned.filter((w) => w.plan === "spread").map((w) => columns[w.i]!);
    // Two columns a statement: most of the saving, and the checks spread over the lanes.
    for (let k = 0; k < check.length; k += 2) work.push({ check: check.slice(k, k + 2) });
    work.push(...planned.filter((w) => w.plan !== "grouped"), ...planned.filter((w) => w.plan === "grouped"));
  });
  const lane = () =>
    withLane(async (client) => {
      for (let w = work.shift(); w; w = work.shift()) {
        const t0 = Date.now();
        if ("check" in w) {
          for (const [name, different] of await spreadDistinct(client, w.check, src)) {
            allDifferent.set(name, different);
          }
          debug(`distinct check of ${w.check.map((c) => c.name).join(", ")} ${Date.now() - t0} ms`);
          continue;
        }
        const c = columns[w.i]!;
        const below = sampled.get(c.name)?.below ?? null;
        const out = await profileColumn(client, c, src, rows, edgesOf(c.name), w.plan, below);
        debug(`${c.name} (${w.plan}) ${Date.now() - t0} ms`);
        profiles[w.i] = out.profile;
        used.set(c.name, w.plan);
        if (out.edgeCounts) edgeCounts.set(c.name, out.edgeCounts);
      }
    });
  const lanes = () => Promise.all(Array.from({ length: Math.min(parallel, columns.length) }, lane));
  await lanes();
  // Spread columns whose values turned out to repeat: profiled again, from their groups.
  columns.forEach((c, i) => {
    if (used.get(c.name) === "spread" && allDifferent.get(c.name) === false) {
      debug(`${c.name}: values repeat`);
      edgeCounts.delete(c.name);
      work.push({ i, plan: "grouped" });
    }
  });
  if (work.length) await lanes();
  return { profiles, edgeCounts, plans: used };
}
