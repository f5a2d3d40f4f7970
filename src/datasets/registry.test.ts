import { describe, expect, it } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { AppError } from "@/server/errors";
import { setUpTestDatabase } from "../../test/database";
import { applyDataset, getDataset } from "./registry";
import listingsJson from "./samples/listings.json";

setUpTestDatabase();

/** Column name -> Postgres type of a table, in column order. */
async function columnsOf(schema: string, table: string): Promise<Record<string, string>> {
  const { rows } = await pool().query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, table],
  );
  return Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]));
}

async function primaryKey(schema: string, table: string): Promise<string[]> {
  const { rows } = await pool().query<{ attname: string }>(
    `SELECT a.attname FROM pg_index i
     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indrelid = format('%I.%I', $1::text, $2::text)::regclass AND i.indisprimary
     ORDER BY array_position(i.indkey, a.attnum)`,
    [schema, table],
  );
  return rows.map((r) => r.attname);
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

const things = (extra: Record<string, unknown> = {}) => ({
  name: "things",
  title: "Things",
  key: ["id"],
  columns: [
    { name: "id", type: "integer", required: true },
    { name: "label", type: "text" },
    { name: "amount", type: "decimal" },
  ],
  ...extra,
});

describe("applyDataset", () => {
  it("creates staging and production tables with a typed column per definition column", async () => {
    const result = await applyDataset(listingsJson, SYSTEM);

    expect(result).toEqual({
      name: "listings",
      version: 1,
      created: true,
      changed: true,
      changes: ["create"],
    });
    const typed = {
      external_id: "bigint",
      domain: "text",
      email: "text",
      country: "text",
      price: "numeric",
      rating: "numeric",
      created_at: "timestamp with time zone",
      url: "text",
      name: "text",
    };
    expect(await columnsOf("staging", "listings")).toEqual({
      _batch_id: "uuid",
      _row: "integer",
      _line: "integer",
      ...typed,
    });
    expect(await columnsOf("production", "listings")).toEqual({
      ...typed,
      _batch_id: "uuid",
      _hash: "text",
      _updated_at: "timestamp with time zone",
    });
    expect(await primaryKey("staging", "listings")).toEqual(["_batch_id", "_row"]);
    expect(await primaryKey("production", "listings")).toEqual(["external_id"]);
    expect((await getDataset("listings")).definition.columns).toHaveLength(9);
  });

  it("gives a keyless dataset's production table an identity column", async () => {
    await applyDataset({ ...things(), name: "keyless", key: [] }, SYSTEM);
    expect(await primaryKey("production", "keyless")).toEqual(["_id"]);
  });

  it("changes nothing when the same definition is applied again", async () => {
    await applyDataset(things(), SYSTEM);
    const before = await db().dataset.findUniqueOrThrow({ where: { name: "things" } });

    const again = await applyDataset(things(), SYSTEM);

    expect(again).toEqual({
      name: "things",
      version: before.version,
      created: false,
      changed: false,
      changes: [],
    });
    const after = await db().dataset.findUniqueOrThrow({ where: { name: "things" } });
    expect(after.updatedAt).toEqual(before.updatedAt);
  });

  it("adds a new column to both tables, keeping the rows already there", async () => {
    const batchId = "00000000-0000-4000-8000-000000000001";
    await pool().query(
      `INSERT INTO staging.things (_batch_id, _row, _line, id, label) VALUES ($1, 1, 2, 7, 'kept')`,
      [batchId],
    );
    const def = things();

    const result = await applyDataset(
      { ...def, columns: [...def.columns, { name: "seen_on", type: "date" }] },
      SYSTEM,
    );

    expect(result).toMatchObject({ changed: true, changes: ["add column seen_on (date)"], version: 2 });
    expect((await columnsOf("staging", "things")).seen_on).toBe("date");
    expect((await columnsOf("production", "things")).seen_on).toBe("date");
    const { rows } = await pool().query(
      "SELECT id, label, seen_on FROM staging.things WHERE _batch_id = $1",
      [batchId],
    );
    expect(rows).toEqual([{ id: "7", label: "kept", seen_on: null }]);
  });

  it("refuses to drop a column with CONFLICT unless forced", async () => {
    const current = (await getDataset("things")).definition;
    const without = { ...current, columns: current.columns.filter((c) => c.name !== "seen_on") };

    const err = await refusal(applyDataset(without, SYSTEM));

    expect(err.code).toBe("CONFLICT");
    expect(err.message).toMatch(/column seen_on is removed with its data.*force/);
    expect(await columnsOf("staging", "things")).toHaveProperty("seen_on");

    const forced = await applyDataset(without, SYSTEM, { force: true });
    expect(forced.changes).toEqual(["drop column seen_on"]);
    expect(await columnsOf("staging", "things")).not.toHaveProperty("seen_on");
    expect(await columnsOf("production", "things")).not.toHaveProperty("seen_on");
  });

  it("refuses to change a column's type with CONFLICT unless forced, then converts the values", async () => {
    const current = (await getDataset("things")).definition;
    const retyped = {
      ...current,
      columns: current.columns.map((c) => (c.name === "amount" ? { ...c, type: "text" as const } : c)),
    };

    const err = await refusal(applyDataset(retyped, SYSTEM));
    expect(err.code).toBe("CONFLICT");
    expect(err.message).toMatch(/amount changes type from decimal to text/);
    expect((await columnsOf("production", "things")).amount).toBe("numeric");

    await applyDataset(retyped, SYSTEM, { force: true });
    expect((await columnsOf("staging", "things")).amount).toBe("text");
    expect((await columnsOf("production", "things")).amount).toBe("text");
  });

  it("changes rules without touching the tables", async () => {
    const current = (await getDataset("things")).definition;
    const stricter = {
      ...current,
      columns: current.columns.map((c) => (c.name === "label" ? { ...c, maxLength: 20 } : c)),
    };
    const result = await applyDataset(stricter, SYSTEM);
    expect(result).toMatchObject({ changed: true, changes: ["update rules"] });
  });

  it("refuses to change the natural key, even when forced", async () => {
    const current = (await getDataset("things")).definition;
    for (const force of [false, true]) {
      const err = await refusal(applyDataset({ ...current, key: ["id", "label"] }, SYSTEM, { force }));
      expect(err.code).toBe("CONFLICT");
      expect(err.message).toMatch(/natural key cannot change/);
    }
    expect(await primaryKey("production", "things")).toEqual(["id"]);
  });

  it("changes nothing at all when a definition is invalid", async () => {
    const before = await db().dataset.findUniqueOrThrow({ where: { name: "things" } });
    const err = await refusal(applyDataset({ ...things(), columns: [{ name: "id", type: "nope" }] }, SYSTEM));
    expect(err.code).toBe("BAD_REQUEST");
    expect((await db().dataset.findUniqueOrThrow({ where: { name: "things" } })).version).toBe(
      before.version,
    );
  });

  it("records who created and changed a dataset in the audit log", async () => {
    const events = await db().auditEvent.findMany({
      where: { targetType: "dataset", targetId: "things" },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual([
      "dataset.create",
      "dataset.update",
      "dataset.update",
      "dataset.update",
      "dataset.update",
    ]);
  });
});
