import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SYSTEM } from "@/auth/actor";
import { ensureSampleDatasets } from "@/datasets/samples";
import { type EmbeddedDatabase, startEmbeddedPostgres } from "@/db/embedded";
import { closeDb } from "@/db/prisma";
import { prepareDatabase } from "@/db/setup";
import { connectTo, dataDir, env } from "@/env";
import { ensureFirstAdmin } from "@/users/users";
import { buildIsCurrent, markBuilt, sourceHash } from "./build-cache";
import { onOrphaned } from "./orphan-watch";
import { persistentSecret } from "./secrets";

/**
 * `npm start` (and `npm run dev` with --dev): the whole of Sluice on one machine. Postgres
 * (embedded unless DATABASE_URL is set), migrations, the first admin, a production build of the
 * web console when missing or stale, then the web server and one worker. Ctrl-C / SIGTERM stops
 * the web server and worker first (running jobs finish), then Postgres.
 */
const root = fileURLToPath(new URL("../..", import.meta.url));
const require = createRequire(import.meta.url);
const dev = process.argv.includes("--dev");
const log = (m: string) => console.log(`[sluice] ${m}`);

process.env.NEXT_TELEMETRY_DISABLED = "1";
const config = env();
const children = new Map<string, ChildProcess>();
let embedded: EmbeddedDatabase | undefined;
let shuttingDown = false;

async function main() {
  const startedAt = Date.now();
  let url = config.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres(dataDir(), { log });
    url = embedded.url;
    log(`embedded Postgres ${embedded.reused ? "reused" : "started"} (data in ${dataDir()})`);
  } else {
    log("using the Postgres at DATABASE_URL");
  }
  connectTo(url);

  const { applied } = await prepareDatabase(url);
  log(applied.length ? `applied migrations: ${applied.join(", ")}` : "database schema is up to date");

  const firstAdmin = await ensureFirstAdmin(config.ADMIN_EMAIL, config.ADMIN_PASSWORD);
  if (firstAdmin) {
    const samples = await ensureSampleDatasets(SYSTEM);
    if (samples.length) log(`created the sample datasets ${samples.join(", ")} (files in public/samples/)`);
  }
  await closeDb();

  const baseUrl = config.NEXTAUTH_URL ?? `http://localhost:${config.PORT}`;
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: url,
    NEXTAUTH_URL: baseUrl,
    NEXTAUTH_SECRET: config.NEXTAUTH_SECRET ?? persistentSecret(dataDir(), "nextauth-secret"),
    PORT: String(config.PORT),
  };

  const nextBin = require.resolve("next/dist/bin/next");
  if (!dev) {
    const hash = sourceHash(root);
    if (!buildIsCurrent(root, hash)) {
      log("building the web console (first start or sources changed)…");
      await runToEnd(process.execPath, [nextBin, "build"], { ...childEnv, NODE_ENV: "production" });
      markBuilt(root, hash);
    }
  }

  spawnChild("web", process.execPath, [nextBin, dev ? "dev" : "start", "-p", String(config.PORT)], {
    ...childEnv,
    NODE_ENV: dev ? "development" : "production",
    SLUICE_PROCESS: "web",
  });
  for (let i = 1; i <= config.WORKER_PROCESSES; i++) {
    spawnChild(
      `worker ${i}`,
      process.execPath,
      ["--import", "tsx", path.join(root, "workers/index.ts")],
      { ...childEnv, SLUICE_PROCESS: "worker" },
      { restart: true },
    );
  }

  await waitForHealth(`http://127.0.0.1:${config.PORT}/api/v1/health`);
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const lines = [
    "",
    `  Sluice is running at ${baseUrl}   (ready in ${seconds}s)`,
    "",
    firstAdmin?.generatedPassword
      ? `  Sign in as ${firstAdmin.email} with this generated password, shown only now:\n\n      ${firstAdmin.generatedPassword}\n`
      : firstAdmin
        ? `  Sign in as ${firstAdmin.email} with ADMIN_PASSWORD.`
        : "  Sign in with your account. New users: `npm run cli -- user create --email E --role R`.",
    "  More workers: `npm run worker` (same DATABASE_URL).  Stop: Ctrl-C.",
    "",
  ];
  console.log(lines.join("\n"));
}

/** Restarts of crashed workers in the last minute; past a few, something is wrong: stop. */
const restarts: number[] = [];

function spawnChild(
  name: string,
  cmd: string,
  args: string[],
  childEnv: NodeJS.ProcessEnv,
  opts: { restart?: boolean } = {},
) {
  const child = spawn(cmd, args, { cwd: root, env: childEnv, stdio: ["ignore", "inherit", "inherit"] });
  children.set(name, child);
  child.on("exit", (code, signal) => {
    children.delete(name);
    const recent = restarts.filter((t) => t > Date.now() - 60_000);
    // A crashed worker (kill -9, out of memory) is replaced; the new one finds the dead one's jobs
    // (its heartbeat stops) and runs them again. The web server going away stops everything.
    if (!shuttingDown && opts.restart && recent.length < 5) {
      restarts.push(Date.now());
      console.error(`[sluice] the ${name} process died (${signal ?? `code ${code}`}); starting a new one`);
      setTimeout(() => {
        if (!shuttingDown) spawnChild(name, cmd, args, childEnv, opts);
      }, 1_000);
      return;
    }
    if (!shuttingDown) {
      console.error(
        `[sluice] the ${name} process exited unexpectedly (${signal ?? `code ${code}`}); stopping`,
      );
      void shutdown(1);
    }
  });
}

function runToEnd(cmd: string, args: string[], childEnv: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env: childEnv, stdio: ["ignore", "inherit", "inherit"] });
    children.set("build", child);
    child.on("exit", (code) => {
      children.delete("build");
      code === 0
        ? resolve()
        : reject(new Error(`\`${path.basename(args[0] ?? cmd)} ${args[1]}\` exited with ${code}`));
    });
  });
}

async function waitForHealth(url: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !shuttingDown) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!shuttingDown) throw new Error(`Sluice did not report healthy at ${url} within ${timeoutMs / 1000}s`);
}

async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  const exits = [...children.values()].map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 35_000).unref();
      }),
  );
  await Promise.all(exits);
  if (embedded) {
    await embedded.stop();
    log("embedded Postgres stopped");
  }
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    void shutdown(0);
  });
}
onOrphaned((reason) => {
  log(`${reason}: stopping`);
  void shutdown(0);
});

main().catch((err: Error) => {
  console.error(`[sluice] start failed: ${err.message}`);
  void shutdown(1);
});
