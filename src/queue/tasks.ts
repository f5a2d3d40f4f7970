import { z } from "zod";

/**
 * Every task's payload schema, imported both by whoever enqueues and by the task itself, so the two
 * cannot drift. Each payload names the Sluice job (app.jobs) the run belongs to.
 */
export const taskPayloads = {
  /** Round trip through the queue: proves a worker picks up work and reports back. */
  ping: z.object({
    jobId: z.uuid(),
    message: z.string().max(200).optional(),
    holdMs: z.number().int().min(0).max(600_000).optional(),
    /** Fails for good with this message: a harmless way to see failures, groups and retries. */
    failWith: z.string().max(500).optional(),
  }),
  /** Plans the load of an uploaded file: finds chunk boundaries, queues one ingest_chunk each. */
  ingest: z.object({ jobId: z.uuid(), batchId: z.uuid() }),
  /** Loads one byte range of the file into staging, in one transaction. */
  ingest_chunk: z.object({ jobId: z.uuid(), batchId: z.uuid(), index: z.number().int().min(0) }),
  /** After the last chunk: duplicates by key, classification against production, the batch is staged. */
  ingest_finalize: z.object({ jobId: z.uuid(), batchId: z.uuid() }),
  /** After staging: the batch's quality report (profiles, scores, gate), computed in SQL and stored. */
  quality_report: z.object({ jobId: z.uuid(), batchId: z.uuid() }),
  /** After a passing quality report, for a dataset with `promotion.auto`: promote the batch as the system. */
  auto_promote: z.object({ jobId: z.uuid(), batchId: z.uuid() }),
  /** A pull source's fetch: the URL's CSV into the upload store, then submitted like an upload. */
  pull_source: z.object({ jobId: z.uuid(), pullSourceId: z.uuid() }),
  /** A chain step after ingest: promotes the batch when its dataset allows automatic promotion. */
  promote_batch: z.object({ jobId: z.uuid(), batchId: z.uuid() }),
  /** Daily: removes schedule runs and pull history older than `days`. */
  schedule_history_prune: z.object({ jobId: z.uuid(), days: z.number().int().min(1).max(3650).default(90) }),
  /**
   * Makes a backup. From "Create now": the catalog row exists (`backupId`). From a schedule the
   * payload may be `{}`: the task then records the job and the backup itself (trigger "schedule")
   * and queues a verify afterwards.
   */
  backup: z.object({
    jobId: z.uuid().optional(),
    backupId: z.uuid().optional(),
    reason: z.string().max(500).optional(),
  }),
  /** Checksums and a trial restore of a backup; the result is recorded on it. */
  backup_verify: z.object({ jobId: z.uuid(), backupId: z.uuid() }),
  /** Deletes backups the retention policy no longer keeps. Schedule-fired payload: `{}`. */
  backup_retention: z.object({ jobId: z.uuid().optional() }),
  /**
   * The scheduled production check: profiles production.<dataset> (or every dataset's, with `{}`)
   * and records the same scores as a report of kind `production`.
   */
  quality_production_check: z.object({
    jobId: z.uuid(),
    dataset: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/, "not a dataset name")
      .optional(),
  }),
} as const;

export type TaskName = keyof typeof taskPayloads;

/**
 * Housekeeping tasks: not Sluice jobs (no app.jobs row, not in job lists), run by the crontab or
 * queued by other housekeeping. Graphile's crontab adds `_cron` to the payload; it is allowed through.
 */
export const systemTaskPayloads = {
  /** Records the minute that just ended into app.metric_samples. */
  metrics_sample: z.looseObject({}),
  /** Rolls minute samples up into hours and applies retention. */
  metrics_rollup: z.looseObject({}),
  /** Evaluates alert rules: fires and resolves alerts, queues their notifications. */
  alerts_evaluate: z.looseObject({}),
  /** POSTs one alert notification to one webhook; retried with backoff. */
  webhook_deliver: z.object({ deliveryId: z.uuid() }),
} as const;

export type SystemTaskName = keyof typeof systemTaskPayloads;
export type SystemTaskPayload<T extends SystemTaskName> = z.infer<(typeof systemTaskPayloads)[T]>;
export type TaskPayload<T extends TaskName> = z.infer<(typeof taskPayloads)[T]>;

/** Whether a task of this name exists in this build (schedules refuse, and defaults skip, others). */
export function isTaskName(name: string): name is TaskName {
  return Object.hasOwn(taskPayloads, name);
}
