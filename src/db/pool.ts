import pg from "pg";
import { databaseUrl } from "@/env";

/**
 * One pg pool per process, for SQL the Prisma client is not the tool for (COPY, LISTEN, advisory
 * locks, Graphile Worker). Kept on globalThis so Next's dev reloads don't open a pool per reload.
 */
const globalForPool = globalThis as unknown as { sluicePool?: pg.Pool };

export function pool(): pg.Pool {
  if (!globalForPool.sluicePool) {
    const max = Number(process.env.SLUICE_POOL_MAX) || 10;
    const p = new pg.Pool({ connectionString: databaseUrl(), max, application_name: appName() });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    p.on("error", (err) => console.error("[db] idle client error:", err.message));
    p.on("connect", (client) => {
      client.on("error", (err) => console.error("[db] client error:", err.message));
    });
    globalForPool.sluicePool = p;
  }
  return globalForPool.sluicePool;
}

export async function closePool(): Promise<void> {
  const p = globalForPool.sluicePool;
  globalForPool.sluicePool = undefined;
  await p?.end();
}

function appName(): string {
  return `sluice-${process.env.SLUICE_PROCESS ?? "app"}`;
}
