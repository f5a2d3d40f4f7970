import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "@/db/embedded";
import { prepareDatabase } from "@/db/setup";
import { databaseUrlFor, testDatabasePrefix } from "./database-names";

/**
 * Once per run: a Postgres server (DATABASE_URL's, or an embedded one in a temp dir) and a
 * template database with every migration applied. Test files copy the template (cheap) instead of
 * migrating their own.
 */
declare module "vitest" {
  export interface ProvidedContext {
    /** A URL on the test server whose database may run CREATE/DROP DATABASE. */
    adminUrl: string;
    /** The migrated database each test file copies. */
    templateDatabase: string;
    /** Prefix of every database this run creates, so teardown can find leftovers. */
    databasePrefix: string;
  }
}

export default async function setup(project: TestProject) {
  const runId = randomBytes(4).toString("hex");
  const prefix = testDatabasePrefix(runId);
  const template = `${prefix}template`;

  let adminUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let tempDir: string | undefined;
  if (!adminUrl) {
    tempDir = await mkdtemp(path.join(tmpdir(), "sluice-test-"));
    // As root, Postgres runs as the `postgres` OS user, which must be able to reach its data dir.
    await chmod(tempDir, 0o755);
    const embedded = await startEmbeddedPostgres(tempDir, { database: "postgres" });
    adminUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }

  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(template)}`));
  await prepareDatabase(databaseUrlFor(adminUrl, template));

  project.provide("adminUrl", adminUrl);
  project.provide("templateDatabase", template);
  project.provide("databasePrefix", prefix);

  return async () => {
    if (stopEmbedded) {
      await stopEmbedded();
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
      return;
    }
    // An external server outlives the run: drop the template and whatever a crashed file left.
    await withAdmin(adminUrl, async (c) => {
      const { rows } = await c.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
        [prefix],
      );
      for (const { datname } of rows) {
        await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(datname)} WITH (FORCE)`);
      }
    });
  };
}

async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: "sluice-test-setup" });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
