import { z } from "zod";

/**
 * Every task's payload schema, imported both by whoever enqueues and by the task itself, so the two
 * cannot drift. Each payload names the Sluice job (app.jobs) the run belongs to.
 */
export const taskPayloads = {
  /** Round trip through the queue: proves a worker picks up work and reports back. */
  ping: z.object({ jobId: z.uuid(), message: z.string().max(200).optional() }),
} as const;

export type TaskName = keyof typeof taskPayloads;
export type TaskPayload<T extends TaskName> = z.infer<(typeof taskPayloads)[T]>;
