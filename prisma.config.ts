import { defineConfig } from "prisma/config";

// The CLI only needs the URL for migrate/db commands (which run where Prisma's engine can be had);
// `prisma generate` needs none. At run time the client connects through @prisma/adapter-pg.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/sluice" },
});
