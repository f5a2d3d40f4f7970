import { describe, expect, it } from "vitest";
import { pool } from "@/db/pool";
import { setUpTestDatabase } from "../../test/database";
import { seededRandom as random } from "../../test/random";
import type { ColumnDefinition } from "./definition";
import { compileColumn, InvalidCell, PG_TYPE } from "./values";

/**
 * What the checks accept, Postgres must accept too: a value that passes here and fails in COPY
 * would fail a whole chunk (and so the whole upload) instead of rejecting one row.
 */
setUpTestDatabase();

const edgeCases: Partial<Record<ColumnDefinition["type"], string[]>> = {
  integer: [
    "0",
    "-0",
    "+5",
    "007",
    "9223372036854775807",
    "-9223372036854775808",
    "0000000000000000000000001",
  ],
  decimal: [
    "1e131071",
    "1e-16383",
    "0e-16383",
    "0.0001e131075",
    ".5",
    "5.",
    "-0.0",
    "1E+5",
    "123456789012345678901234567890.123456789",
    `1.${"0".repeat(16_383)}`,
  ],
  boolean: ["true", "FALSE", "t", "n", "Yes", "0"],
  date: ["0001-01-01", "9999-12-31", "2024-02-29", "2000-02-29"],
  timestamp: [
    "2026-01-31T14:05:60Z",
    "2026-12-31T23:59:60.000Z",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "2026-01-01T00:00:00+15:59",
    "2026-01-01T00:00:00-1559",
    "2026-01-01T00:00:00-00",
    "2026-01-01 00:00:00.123456789",
    "2026-01-31",
    "2026-01-31T14:05",
    "2026-01-31t14:05:00z",
  ],
};

/** Strings near the edges of each type: impossible dates, leap seconds, far zones, huge exponents. */
function nearTheEdges(type: "timestamp" | "date" | "decimal" | "integer", count: number): string[] {
  const next = random(11);
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)]!;
  const two = (max: number) => String(Math.floor(next() * (max + 1))).padStart(2, "0");
  const date = () =>
    `${pick(["0000", "0001", "1900", "2000", "2024", "2026", "9999"])}-${two(13)}-${two(32)}`;
  return Array.from({ length: count }, () => {
    if (type === "date") return date();
    if (type === "timestamp") {
      const time = `${pick(["T", " ", "t"])}${two(25)}:${two(61)}${pick(["", `:${two(61)}`, `:${two(61)}${pick([".0", ".5", ".000001", ".999999999"])}`])}`;
      const zone = pick([
        "",
        "Z",
        "z",
        "+00",
        "-00",
        "+15:59",
        "-1559",
        "+16",
        "+15:60",
        "+0530",
        " +02",
        "-12:00",
      ]);
      return `${date()}${pick(["", time, time])}${zone}`;
    }
    if (type === "integer") {
      return `${pick(["", "-", "+"])}${pick(["0", "00", "9223372036854775807", "9223372036854775808", "922337203685477580", String(Math.floor(next() * 1e6))])}`;
    }
    const mantissa = pick([
      "0",
      "1",
      "9.99",
      ".5",
      "5.",
      "0.000",
      "123456789.000001",
      `1.${"0".repeat(16_380)}1`,
    ]);
    const exp = pick([
      "",
      "",
      `e${Math.floor(next() * 140_000)}`,
      `E-${Math.floor(next() * 20_000)}`,
      "e131071",
      "e-16383",
      "e131072",
      "e-16384",
    ]);
    return `${pick(["", "-", "+"])}${mantissa}${exp}`;
  });
}

describe("cell checks against Postgres", () => {
  for (const [type, inputs] of Object.entries(edgeCases) as [ColumnDefinition["type"], string[]][]) {
    it(`${type}: every value the check accepts, Postgres stores as ${PG_TYPE[type]}`, async () => {
      const check = compileColumn({ name: "c", type } as ColumnDefinition);
      const accepted = inputs.flatMap((raw) => {
        const v = check(raw);
        return v instanceof InvalidCell || v === null ? [] : [v];
      });
      expect(accepted).toHaveLength(inputs.length);
      for (const v of accepted) {
        await expect(pool().query(`SELECT $1::${PG_TYPE[type]} AS v`, [v]), v).resolves.toBeTruthy();
      }
    });
  }

  it("accepts no random near-the-edge value that Postgres would refuse", async () => {
    const { rows } = await pool().query<{ v: number }>(
      "SELECT current_setting('server_version_num')::int AS v",
    );
    // pg_input_is_valid arrived in Postgres 16; the embedded server is newer.
    if (rows[0]!.v < 160_000) return;
    for (const type of ["timestamp", "date", "decimal", "integer"] as const) {
      const check = compileColumn({ name: "c", type } as ColumnDefinition);
      const accepted = nearTheEdges(type, 3000).flatMap((raw) => {
        const v = check(raw);
        return v instanceof InvalidCell || v === null ? [] : [v];
      });
      expect(accepted.length, type).toBeGreaterThan(100);
      const { rows: refused } = await pool().query<{ v: string }>(
        `SELECT v FROM unnest($1::text[]) v WHERE NOT pg_input_is_valid(v, $2)`,
        [accepted, PG_TYPE[type]],
      );
      expect(
        refused.map((r) => r.v.slice(0, 80)),
        `${type}: ${JSON.stringify(refused.map((r) => r.v.slice(0, 60)))}`,
      ).toEqual([]);
    }
  });
});
