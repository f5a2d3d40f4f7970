import type { TaskList } from "graphile-worker";
import type { TaskName } from "@/queue/tasks";
import type { WorkerContext } from "./sluice-task";
import { ingest, ingestChunk, ingestFinalize } from "./tasks/ingest";
import { ping } from "./tasks/ping";
import { qualityProductionCheck } from "./tasks/quality-production-check";
import { qualityReport } from "./tasks/quality-report";

/** Every task a Sluice worker runs, by the name jobs are enqueued under. */
const tasks: Record<TaskName, (ctx: WorkerContext) => TaskList[string]> = {
  ping,
  ingest,
  ingest_chunk: ingestChunk,
  ingest_finalize: ingestFinalize,
  quality_report: qualityReport,
  quality_production_check: qualityProductionCheck,
};

export function taskList(ctx: WorkerContext): TaskList {
  return Object.fromEntries(Object.entries(tasks).map(([name, make]) => [name, make(ctx)]));
}
