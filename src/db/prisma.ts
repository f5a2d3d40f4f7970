import { PrismaPg } from "@prisma/adapter-pg";
import { databaseUrl } from "@/env";
import { PrismaClient } from "@/generated/prisma/client";

const globalForPrisma = globalThis as unknown as { sluicePrisma?: PrismaClient };

/** The Prisma client for Sluice's own tables (schema `app`), one per process. */
export function db(): PrismaClient {
  if (!globalForPrisma.sluicePrisma) {
    const adapter = new PrismaPg({ connectionString: databaseUrl(), max: 10 });
    globalForPrisma.sluicePrisma = new PrismaClient({ adapter });
  }
  return globalForPrisma.sluicePrisma;
}

export async function closeDb(): Promise<void> {
  const client = globalForPrisma.sluicePrisma;
  globalForPrisma.sluicePrisma = undefined;
  await client?.$disconnect();
}
