import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { type Runner, run, type WorkerEvents } from "graphile-worker";
import type pg from "pg";
import { restageAfterCrash } from "@/ingest/restage";
import { graphileLogger } from "@/queue/graphile-logger";
import { pausedFlagsReader } from "@/queue/pauses";
import {
  HEARTBEAT_INTERVAL_MS,
  markWorkerStopped,
  REAP_INTERVAL_MS,
  reapDeadWorkers,
  recordHeartbeat,
  registerWorkerProcess,
} from "@/queue/worker-registry";
import { seedDefaultSchedules } from "@/schedules/defaults";
import { scheduleCron } from "./crontab";
import { taskList } from "./task-list";

export interface SluiceWorker {
  id: string;
  runner: Runner;
  /** Stops taking jobs, lets running ones finish, records the stop. */
  stop(): Promise<void>;
}

/**
 * One worker process's engine: a Graphile Worker runner with Sluice's tasks, registered in
 * app.worker_processes and heartbeating so the console knows it is alive.
 */
export async function startWorker(opts: {
  pool: pg.Pool;
  concurrency: number;
  version: string;
  /** Run the housekeeping crontab (`npm run worker` does; tests call the tasks' functions themselves). */
  cron?: boolean;
}): Promise<SluiceWorker> {
  const id = randomUUID();
  const graphileWorkerIds = new Set<string>();
  await registerWorkerProcess(opts.pool, { id, concurrency: opts.concurrency, version: opts.version });
  // Defaults whose tasks this build has; idempotent, and never overwrites an admin's changes.
  await seedDefaultSchedules(opts.pool);

  // Listening before run(): it creates its workers (and emits worker:create) before it resolves.
  const events: WorkerEvents = new EventEmitter();
  events.on("worker:create", ({ worker }) => {
    graphileWorkerIds.add(worker.workerId);
  });
  // Jobs are locked by the pool's id as well as by each worker's; a dead process's locks need both.
  events.on("pool:create", ({ workerPool }) => {
    graphileWorkerIds.add(workerPool.id);
  });
  events.on("worker:stop", ({ worker }) => {
    graphileWorkerIds.delete(worker.workerId);
  });

  const runner = await run({
    pgPool: opts.pool,
    events,
    concurrency: opts.concurrency,
    taskList: taskList({ workerProcessId: id }),
    noHandleSignals: true,
    pollInterval: 1000,
    // Paused queues, datasets and the maintenance switch: jobs carrying these flags do not start.
    forbiddenFlags: pausedFlagsReader(opts.pool),
    // The schedule tick always; housekeeping (metrics sampling, roll-ups, alert evaluation) when
    // asked. No crontab file is read.
    parsedCronItems: scheduleCron({ housekeeping: opts.cron ?? false }),
    // Graphile logs every completed job at info; the console shows jobs, so only problems are logged.
    logger: graphileLogger("warning"),
  });
  const beat = () =>
    recordHeartbeat(opts.pool, id, [...graphileWorkerIds]).catch((err: Error) =>
      console.error(`[worker] heartbeat failed: ${err.message}`),
    );
  await beat();
  const heartbeat = setInterval(beat, HEARTBEAT_INTERVAL_MS);
  const reap = () =>
    reapDeadWorkers(opts.pool)
      .then((dead) => {
        for (const d of dead) {
          console.warn(
            `[worker] worker ${d.id} stopped heartbeating; unlocked its jobs (${d.graphileWorkerIds.join(", ") || "none"})`,
          );
        }
      })
      .catch((err: Error) => console.error(`[worker] reaping dead workers failed: ${err.message}`));
  // Unlogged staging tables come back empty after a Postgres crash: load what they lost again.
  const restage = () =>
    restageAfterCrash(opts.pool)
      .then((batches) => {
        if (batches.length)
          console.warn(`[worker] a Postgres crash emptied staged rows; loading again: ${batches.join(", ")}`);
      })
      .catch((err: Error) => console.error(`[worker] checking for lost staged rows failed: ${err.message}`));
  await Promise.all([reap(), restage()]);
  const reaper = setInterval(() => Promise.all([reap(), restage()]), REAP_INTERVAL_MS);

  let stopping: Promise<void> | undefined;
  return {
    id,
    runner,
    stop() {
      stopping ??= (async () => {
        clearInterval(heartbeat);
        clearInterval(reaper);
        await runner.stop();
        await markWorkerStopped(opts.pool, id).catch(() => undefined);
      })();
      return stopping;
    },
  };
}
