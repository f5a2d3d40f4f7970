import { startEmbeddedPostgres } from "@/db/embedded";
import { closePool } from "@/db/pool";
import { closeDb } from "@/db/prisma";
import { prepareDatabase } from "@/db/setup";
import { connectTo, dataDir, env } from "@/env";

/**
 * Runs `fn` against Sluice's database: DATABASE_URL when set, else the embedded Postgres (the
 * running one when `npm start` is up, or started just for this command and stopped after).
 */
export async function withDatabase<T>(fn: () => Promise<T>): Promise<T> {
  let stop = async () => {};
  if (!env().DATABASE_URL) {
    const embedded = await startEmbeddedPostgres(dataDir());
    connectTo(embedded.url);
    stop = embedded.stop;
  }
  try {
    await prepareDatabase(env().DATABASE_URL!);
    return await fn();
  } finally {
    await closeDb();
    await closePool();
    await stop();
  }
}
