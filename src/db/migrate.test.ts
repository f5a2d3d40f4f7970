import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { listMigrations, migrate } from "@/db/migrate";
import { createTestDatabase, type TestDatabase } from "../../test/database";

/** Migrations run against databases of their own, empty to start with: not the shared template. */
const databases: TestDatabase[] = [];
async function emptyDatabase(): Promise<string> {
  const database = await createTestDatabase({ empty: true });
  databases.push(database);
  return database.url;
}
afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

interface Bookkeeping {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}
const bookkeeping = (url: string) =>
  query<Bookkeeping>(
    url,
    "SELECT migration_name, checksum, finished_at FROM public._prisma_migrations ORDER BY migration_name",
  );

describe("the project's migrations", () => {
  it("applies every migration to an empty database and records each with its sha256 checksum", async () => {
    const url = await emptyDatabase();
    const migrations = await listMigrations();
    expect(migrations.length).toBeGreaterThan(0);

    const result = await migrate(url);

    expect(result).toEqual({ applied: migrations.map((m) => m.name), alreadyApplied: 0 });
    const rows = await bookkeeping(url);
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const row of rows) {
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.checksum).toBe(migrations.find((m) => m.name === row.migration_name)?.checksum);
      expect(row.finished_at).toBeInstanceOf(Date);
    }
    const tables = await query<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'app'",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(["users", "api_keys", "audit_events", "jobs", "worker_processes"]),
    );
  });

  it("applies nothing on a second run", async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const before = await bookkeeping(url);

    const second = await migrate(url);

    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toBe(before.length);
    expect(await bookkeeping(url)).toEqual(before);
  });
});

describe("migrations from a folder of its own", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "sluice-migrations-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function writeMigration(name: string, sql: string): Promise<void> {
    await mkdir(path.join(dir, name), { recursive: true });
    await writeFile(path.join(dir, name, "migration.sql"), sql);
  }

  it("applies each migration exactly once when two processes start at the same time", async () => {
    // CREATE TABLE without IF NOT EXISTS: applying one twice would fail. The sleep widens the window
    // in which a second runner without the lock would start the same migration.
    await writeMigration("20260101000000_first", "SELECT pg_sleep(0.3); CREATE TABLE first_table (id int);");
    await writeMigration("20260102000000_second", "CREATE TABLE second_table (id int);");
    await writeMigration("20260103000000_third", "CREATE TABLE third_table (id int);");
    const url = await emptyDatabase();

    const [a, b] = await Promise.all([migrate(url, dir), migrate(url, dir)]);

    expect([...a.applied, ...b.applied].sort()).toEqual([
      "20260101000000_first",
      "20260102000000_second",
      "20260103000000_third",
    ]);
    // One runner did all the work; the other found it done.
    expect([a.applied.length, b.applied.length].sort()).toEqual([0, 3]);
    const rows = await bookkeeping(url);
    expect(rows.map((r) => r.migration_name)).toEqual([
      "20260101000000_first",
      "20260102000000_second",
      "20260103000000_third",
    ]);
  });

  it("refuses a migration edited after it was applied, naming it", async () => {
    await writeMigration("20260101000000_create_things", "CREATE TABLE things (id int);");
    await writeMigration("20260102000000_add_colour", "ALTER TABLE things ADD COLUMN colour text;");
    const url = await emptyDatabase();
    await migrate(url, dir);

    await writeMigration("20260102000000_add_colour", "ALTER TABLE things ADD COLUMN color text;");
    await writeMigration("20260103000000_add_size", "ALTER TABLE things ADD COLUMN size int;");

    await expect(migrate(url, dir)).rejects.toThrow(
      /Migration 20260102000000_add_colour was changed after it was applied/,
    );
    // Nothing after the edited migration ran either.
    const rows = await bookkeeping(url);
    expect(rows.map((r) => r.migration_name)).toEqual([
      "20260101000000_create_things",
      "20260102000000_add_colour",
    ]);
  });

  it("rolls a failing migration back entirely and names it in the error", async () => {
    await writeMigration("20260101000000_good", "CREATE TABLE good (id int);");
    await writeMigration(
      "20260102000000_broken",
      "CREATE TABLE half_done (id int); SELECT no_such_column FROM good;",
    );
    const url = await emptyDatabase();

    await expect(migrate(url, dir)).rejects.toThrow(
      /Migration 20260102000000_broken failed: .*no_such_column/,
    );

    const rows = await bookkeeping(url);
    expect(rows.map((r) => r.migration_name)).toEqual(["20260101000000_good"]);
    const halfDone = await query(url, "SELECT to_regclass('public.half_done') IS NOT NULL AS present");
    expect(halfDone).toEqual([{ present: false }]);
  });
});
