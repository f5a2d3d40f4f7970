import type { TaskList } from "graphile-worker";
import type { SystemTaskName, TaskName } from "@/queue/tasks";
import type { WorkerContext } from "./sluice-task";
import { alertsEvaluate, webhookDeliver } from "./tasks/alerts";
import { autoPromote } from "./tasks/auto-promote";
import { backup, backupRetention, backupVerify } from "./tasks/backup";
import { ingest, ingestChunk, ingestFinalize } from "./tasks/ingest";
import { metricsRollup, metricsSample } from "./tasks/metrics";
import { ping } from "./tasks/ping";
import { qualityProductionCheck } from "./tasks/quality-production-check";
import { qualityReport } from "./tasks/quality-report";
import { promoteBatchTask, pullSource, scheduleHistoryPrune, scheduleTick } from "./tasks/schedules";

/** Every task a Sluice worker runs, by the name jobs are enqueued under. */
const tasks: Record<TaskName, (ctx: WorkerContext) => TaskList[string]> = {
  ping,
  ingest,
  ingest_chunk: ingestChunk,
  ingest_finalize: ingestFinalize,
  quality_report: qualityReport,
  quality_production_check: qualityProductionCheck,
  backup,
  backup_verify: backupVerify,
  backup_retention: backupRetention,
  auto_promote: autoPromote,
  pull_source: pullSource,
  promote_batch: promoteBatchTask,
  schedule_history_prune: scheduleHistoryPrune,
};

/** Not Sluice jobs: run by the crontab (see workers/crontab.ts): housekeeping and the schedule tick. */
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
    schedule_tick: scheduleTick(ctx),
  };
}
