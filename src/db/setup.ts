import { runMigrations } from "graphile-worker";
import { graphileLogger } from "@/queue/graphile-logger";
import { migrate } from "./migrate";

/**
 * Brings a database up to date: Sluice's migrations (schema `app`), then Graphile Worker's own
 * (schema `graphile_worker`), so the app can enqueue before any worker has started.
 */
export async function prepareDatabase(connectionString: string): Promise<{ applied: string[] }> {
  const result = await migrate(connectionString);
  await runMigrations({ connectionString, logger: graphileLogger("warning") });
  return { applied: result.applied };
}
