import type { TaskList } from "graphile-worker";
import type { TaskName } from "@/queue/tasks";
import type { WorkerContext } from "./sluice-task";
import { autoPromote } from "./tasks/auto-promote";
import { ingest, ingestChunk, ingestFinalize } from "./tasks/ingest";
import { ping } from "./tasks/ping";
import { qualityReport } from "./tasks/quality-report";
import { promoteBatchTask, pullSource, scheduleHistoryPrune, scheduleTick } from "./tasks/schedules";

/** Every task a Sluice worker runs, by the name jobs are enqueued under. */
const tasks: Record<TaskName, (ctx: WorkerContext) => TaskList[string]> = {
  ping,
  ingest,
  ingest_chunk: ingestChunk,
  ingest_finalize: ingestFinalize,
  quality_report: qualityReport,
  auto_promote: autoPromote,
  pull_source: pullSource,
  promote_batch: promoteBatchTask,
  schedule_history_prune: scheduleHistoryPrune,
};

/** Tasks that are not Sluice jobs: the crontab's tick that fires schedules. */
const systemTasks: Record<string, (ctx: WorkerContext) => TaskList[string]> = {
  schedule_tick: scheduleTick,
};

export function taskList(ctx: WorkerContext): TaskList {
  return Object.fromEntries(
    Object.entries({ ...tasks, ...systemTasks }).map(([name, make]) => [name, make(ctx)]),
  );
}
