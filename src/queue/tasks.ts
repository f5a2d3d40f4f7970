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
  }),
  /** Plans the load of an uploaded file: finds chunk boundaries, queues one ingest_chunk each. */
  ingest: z.object({ jobId: z.uuid(), batchId: z.uuid() }),
  /** Loads one byte range of the file into staging, in one transaction. */
  ingest_chunk: z.object({ jobId: z.uuid(), batchId: z.uuid(), index: z.number().int().min(0) }),
  /** After the last chunk: duplicates by key, classification against production, the batch is staged. */
  ingest_finalize: z.object({ jobId: z.uuid(), batchId: z.uuid() }),
  /** After staging: the batch's quality report (profiles, scores, gate), computed in SQL and stored. */
  quality_report: z.object({ jobId: z.uuid(), batchId: z.uuid() }),
  /**
   * The scheduled production check: profiles production.<dataset> (or every dataset's, with `{}`)
   * and records the same scores as a report of kind `production`. `jobId` is there when it was
   * queued as a Sluice job; a crontab fires it with no job.
   */
  quality_production_check: z.object({
    jobId: z.uuid().optional(),
    dataset: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,62}$/, "not a dataset name")
      .optional(),
  }),
} as const;

export type TaskName = keyof typeof taskPayloads;
export type TaskPayload<T extends TaskName> = z.infer<(typeof taskPayloads)[T]>;
