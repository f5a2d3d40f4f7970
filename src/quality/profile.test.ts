import { beforeAll, describe, expect, it } from "vitest";
import type { ColumnDefinition } from "@/datasets/definition";
import { pool } from "@/db/pool";
import { setUpTestDatabase } from "../../test/database";
import { type Histogram, type ProfileSource, profileColumns, sampleRowNumbers } from "./profile";

setUpTestDatabase();

/**
 * Columns whose values are all different are profiled from their rows (sorts, hashes), the others
 * from their groups. Both must give the very same profile: every column of a table built to hit
 * the edges is profiled both ways and compared field for field.
 */
const COLUMNS: ColumnDefinition[] = [
  { name: "k", type: "integer" }, // the natural key
  { name: "t", type: "text" }, // all different: accents, an emoji, an empty string, case, long values
  { name: "near", type: "email" }, // all different but for one pair far apart: looks unique in the sample
  { name: "amount", type: "decimal" }, // all different, some empty
  { name: "at", type: "timestamp" }, // all different
  { name: "day", type: "date" }, // repeats
  { name: "country", type: "enum", values: ["US", "GB", "DE"] }, // a category
  { name: "few", type: "url" }, // 30 values, all different, the rest empty: all of them are listed
  { name: "nothing", type: "text" }, // always empty
  { name: "flag", type: "boolean" },
] as ColumnDefinition[];

const BATCH = "11111111-1111-4111-8111-111111111111";
const OTHER = "22222222-2222-4222-8222-222222222222";
const ROWS = 6000;

beforeAll(async () => {
  await pool().query(`CREATE TABLE public.profile_rows (
    _batch_id uuid NOT NULL, _row int NOT NULL, k bigint, t text, near text, amount numeric, at timestamptz,
    day date, country text, few text, nothing text, flag boolean, PRIMARY KEY (_batch_id, _row))`);
  // Two batches: the profile of one must not see the other's rows.
  for (const [batch, shift] of [
    [BATCH, 0],
    [OTHER, 100_000],
  ] as const) {
    await pool().query(
      `INSERT INTO public.profile_rows
       SELECT $1::uuid, i, i * 7 + $2,
         CASE WHEN i = 1 AND $2 = 0 THEN '' WHEN i % 5 = 0 THEN 'Été ' || (i + $2) WHEN i % 7 = 0 THEN '🙂' || (i + $2)
              WHEN i % 11 = 0 THEN repeat('x', 70) || i + $2 ELSE 'Shop #' || (i + $2) END,
         'user' || CASE WHEN i = $3 THEN 17 ELSE i END + $2 || '@example.com',
         CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 1.25 + $2)::numeric END,
         timestamptz '2026-01-01 00:00:00+00' + (i + $2) * interval '1 minute 7 seconds',
         date '2026-01-01' + (i % 40),
         (ARRAY['US', 'GB', 'DE'])[1 + i % 3],
         CASE WHEN i % 200 = 0 THEN 'https://example.com/' || i END,
         NULL,
         i % 2 = 0
       FROM generate_series(1, $4::int) i`,
      [batch, shift, ROWS - 17, ROWS],
    );
  }
});

const edges: Record<string, Histogram> = {
  amount: { lo: 0, hi: 4000, counts: [] },
  k: { lo: 100, hi: 20_000, counts: [] },
};

async function bothWays(src: ProfileSource, rows: number) {
  const auto = await profileColumns(pool(), COLUMNS, src, rows, (c) => edges[c] ?? null);
  // The reference counts everything in SQL, lengths included.
  const reference = { ...src, lengths: undefined };
  const grouped = await profileColumns(
    pool(),
    COLUMNS,
    reference,
    rows,
    (c) => edges[c] ?? null,
    3,
    "grouped",
  );
  return { auto, grouped };
}

describe("column profiles from rows and from groups", () => {
  it("agree on a staged batch, with the sample found by row numbers", async () => {
    const { auto, grouped } = await bothWays(
      {
        table: "public.profile_rows",
        where: "_batch_id = $1",
        param: BATCH,
        unique: "k",
        sample: { where: "_row = ANY($1::int[])", param: sampleRowNumbers(ROWS) },
        // As the loader would have counted them (shapes.ts): used instead of counting in SQL.
        lengths: new Map([
          ["t", { min: 0, max: 74 }],
          ["near", { min: 17, max: 20 }], // used by its grouped query too
        ]),
      },
      ROWS,
    );
    // The comparison means something only if the row plans were taken where they apply.
    expect(Object.fromEntries(auto.plans)).toMatchObject({
      k: "unique",
      t: "spread",
      amount: "spread",
      at: "spread",
      near: "grouped", // tried from its rows, found a repeat, profiled from its groups
      day: "grouped",
      country: "grouped",
    });
    expect(auto.profiles).toEqual(grouped.profiles);
    expect(auto.edgeCounts).toEqual(grouped.edgeCounts);
    const p = (c: string) => auto.profiles.find((x) => x.column === c)!;
    expect(p("t")).toMatchObject({ filled: ROWS, distinct: ROWS, empty: 1, minLength: 0 });
    expect(p("t").maxLength).toBe(74); // 'x' × 70 and four digits; the emoji counts one character
    expect(p("t").top[0]).toEqual({ value: "", count: 1 });
    expect(p("near")).toMatchObject({ distinct: ROWS - 1, top: expect.arrayContaining([]) });
    expect(p("near").top[0]).toEqual({ value: "user17@example.com", count: 2 });
    expect(p("few").values).toHaveLength(30);
    expect(p("k").percentiles).toEqual({
      p5: "2100",
      p25: "10500",
      p50: "21000",
      p75: "31500",
      p95: "39900",
    });
    expect(p("nothing")).toMatchObject({ filled: 0, distinct: 0, top: [], minLength: null });
  });

  it("agree on a whole table sampled by pages (the production check), text shapes counted in SQL", async () => {
    const { auto, grouped } = await bothWays(
      { table: "public.profile_rows", where: null, param: null },
      2 * ROWS,
    );
    expect(Object.fromEntries(auto.plans)).toMatchObject({ t: "spread", near: "grouped", day: "grouped" });
    expect(auto.profiles).toEqual(grouped.profiles);
    expect(auto.edgeCounts).toEqual(grouped.edgeCounts);
    const t = auto.profiles.find((x) => x.column === "t")!;
    expect(t.patterns?.length).toBeGreaterThan(1);
  });
});
