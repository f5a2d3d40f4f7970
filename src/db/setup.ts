import { runMigrations } from "graphile-worker";
import pg from "pg";
import { ensureQueueIndexes } from "@/queue/depth";
import { graphileLogger } from "@/queue/graphile-logger";
import { migrate } from "./migrate";

/**
 * Brings a database up to date: Sluice's migrations (schema `app`), then Graphile Worker's own
 * (schema `graphile_worker`), so the app can enqueue before any worker has started; then the indexes
 * Sluice adds to Graphile's jobs table for counting the queue (src/queue/depth.ts).
 */
export async function prepareDatabase(connectionString: string): Promise<{ applied: string[] }> {
  const result = await migrate(connectionString);
  await runMigrations({ connectionString, logger: graphileLogger("warning") });
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await ensureQueueIndexes(client);
  } finally {
    await client.end();
  }
  return { applied: result.applied };
}
