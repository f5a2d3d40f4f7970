import path from "node:path";
import { z } from "zod";

/**
 * The environment, validated once. A missing or malformed variable fails loudly at boot with the
 * variable's name, instead of surfacing later as an odd error deep in a request.
 */
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Any Postgres 14+. Unset: `npm start` runs an embedded Postgres under SLUICE_DATA_DIR. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Where the embedded Postgres, the generated session secret and uploads live. */
  SLUICE_DATA_DIR: z.string().min(1).default(".data"),
  /** Signs session cookies. `npm start` generates one under SLUICE_DATA_DIR when unset. */
  NEXTAUTH_SECRET: z.string().min(32, "NEXTAUTH_SECRET must be at least 32 characters").optional(),
  NEXTAUTH_URL: z.url().optional(),
  ADMIN_EMAIL: z.email().default("admin@sluice.local"),
  ADMIN_PASSWORD: z.string().min(12, "ADMIN_PASSWORD must be at least 12 characters").optional(),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Worker processes `npm start` runs beside the web console (more: `npm run worker` anywhere). */
  WORKER_PROCESSES: z.coerce.number().int().min(1).max(32).default(1),
  /** Seconds without a heartbeat after which a worker process counts as dead. */
  WORKER_DEAD_AFTER_SECONDS: z.coerce.number().int().min(5).default(30),
  /** A Bearer token Prometheus may scrape /api/metrics with, instead of an operator API key. */
  METRICS_SCRAPE_TOKEN: z.string().min(16, "METRICS_SCRAPE_TOKEN must be at least 16 characters").optional(),
  /** Where backup archives live (default `<SLUICE_DATA_DIR>/backups`); read per use, like UPLOAD_DIR. */
  BACKUP_DIR: z.string().min(1).optional(),
  /** Base64 of 32 bytes: backups are AES-256-GCM encrypted with it. Never stored by Sluice. */
  BACKUP_ENCRYPTION_KEY: z
    .string()
    .refine(
      (v) => v === "" || Buffer.from(v, "base64").length === 32,
      "must be 32 bytes in base64 (openssl rand -base64 32)",
    )
    .optional(),
  /** How backup parts are compressed: brotli (default, fastest) or gzip. Restore reads either. */
  BACKUP_COMPRESSION: z.enum(["brotli", "gzip"]).optional(),
  BACKUP_GZIP_LEVEL: z.coerce.number().int().min(1).max(9).optional(),
  /**
   * `1` lets pull sources fetch from loopback, link-local and private addresses (an on-prem feed
   * on the LAN). Off by default: an admin-entered URL must not reach the cloud metadata service or
   * internal services. Read per use.
   */
  PULL_ALLOW_PRIVATE_NETWORKS: z.stringbool().default(false),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/** PULL_ALLOW_PRIVATE_NETWORKS as set now (validated like the rest; not cached, so it can change per test). */
export function pullAllowsPrivateNetworks(): boolean {
  return schema.shape.PULL_ALLOW_PRIVATE_NETWORKS.parse(process.env.PULL_ALLOW_PRIVATE_NETWORKS || undefined);
}

export function dataDir(): string {
  return path.resolve(env().SLUICE_DATA_DIR);
}

/** Points this process (and the children it starts) at a database, e.g. the embedded one. */
export function connectTo(url: string): void {
  process.env.DATABASE_URL = url;
  env().DATABASE_URL = url;
}

/** The database URL the app and workers use; set by `npm start` when it runs the embedded Postgres. */
export function databaseUrl(): string {
  const url = env().DATABASE_URL;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set. Start Sluice with `npm start` (which runs an embedded Postgres) or set DATABASE_URL.",
    );
  }
  return url;
}
