import { onOrphaned } from "@/cli/orphan-watch";
import { closePool, pool } from "@/db/pool";
import { env } from "@/env";
import packageJson from "../package.json" with { type: "json" };
import { startWorker } from "./worker";

/**
 * `npm run worker`: one worker process. Run as many as you like, on any machine, against the same
 * DATABASE_URL; Graphile Worker shares the work out, Postgres is the only coordinator.
 */
process.env.SLUICE_PROCESS ??= "worker";
const { WORKER_CONCURRENCY } = env();
// Each running job may hold a connection (a chunk's COPY) and briefly need another (progress).
process.env.SLUICE_POOL_MAX ??= String(WORKER_CONCURRENCY * 2 + 4);
const worker = await startWorker({
  pool: pool(),
  concurrency: WORKER_CONCURRENCY,
  version: packageJson.version,
  cron: true,
});
console.log(`[worker] ${worker.id} started (pid ${process.pid}, concurrency ${WORKER_CONCURRENCY})`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`[worker] ${signal}: finishing running jobs, then stopping`);
  const force = setTimeout(() => {
    console.error("[worker] jobs did not finish within 30s; exiting (they will be retried)");
    process.exit(1);
  }, 30_000);
  await worker.stop();
  await closePool();
  clearTimeout(force);
  process.exit(0);
}
// Graphile Worker stops its pool by itself when it cannot record a job's outcome (say Postgres went
// away mid-job). A process that heartbeats but runs nothing would hide that: exit, and `npm start`
// (or whatever supervises this process) starts a fresh one; the jobs it held are unlocked by the
// reaper and run again.
worker.runner.promise.then(
  () => {
    if (!stopping) {
      console.error("[worker] the job runner stopped by itself; exiting so a fresh worker takes over");
      process.exit(1);
    }
  },
  (err: Error) => {
    console.error(`[worker] the job runner failed: ${err.message}; exiting so a fresh worker takes over`);
    process.exit(1);
  },
);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void shutdown(signal));
// Started by `npm run worker` or by `npm start`: when that parent goes, so does this worker.
onOrphaned((reason) => void shutdown(reason));
