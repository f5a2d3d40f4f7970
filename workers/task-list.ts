import type { TaskList } from "graphile-worker";
import type { SystemTaskName, TaskName } from "@/queue/tasks";
import type { WorkerContext } from "./sluice-task";
import { alertsEvaluate, webhookDeliver } from "./tasks/alerts";
import { ingest, ingestChunk, ingestFinalize } from "./tasks/ingest";
import { metricsRollup, metricsSample } from "./tasks/metrics";
import { ping } from "./tasks/ping";
import { qualityReport } from "./tasks/quality-report";

/** Every task a Sluice worker runs, by the name jobs are enqueued under. */
const tasks: Record<TaskName, (ctx: WorkerContext) => TaskList[string]> = {
  ping,
  ingest,
  ingest_chunk: ingestChunk,
  ingest_finalize: ingestFinalize,
  quality_report: qualityReport,
};

/** Housekeeping: not Sluice jobs; run by the crontab (see workers/crontab.ts). */
const systemTasks: Record<SystemTaskName, TaskList[string]> = {
  metrics_sample: metricsSample,
  metrics_rollup: metricsRollup,
  alerts_evaluate: alertsEvaluate,
  webhook_deliver: webhookDeliver,
};

export function taskList(ctx: WorkerContext): TaskList {
  return {
    ...Object.fromEntries(Object.entries(tasks).map(([name, make]) => [name, make(ctx)])),
    ...systemTasks,
  };
}
