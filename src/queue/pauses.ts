import type pg from "pg";
import { z } from "zod";
import { recordAudit } from "@/audit/audit";
import { type Actor, actorLabel } from "@/auth/actor";
import { pool } from "@/db/pool";
import { withTransaction } from "@/db/transaction";
import { AppError } from "@/server/errors";
import { publishLive } from "@/server/live";
import { prioritySchema } from "./priorities";
import { taskPayloads } from "./tasks";

/**
 * Pausing work: a paused queue (a task or a priority), a paused dataset, or the maintenance switch
 * (everything) is a row in app.queue_pauses naming a Graphile Worker job flag. Every Sluice task
 * carries its flags (app.job_flags), and every worker passes the paused set as `forbiddenFlags`,
 * so no paused job starts (whenever it was queued) while running ones finish. Resuming deletes the
 * row; workers see it within about a second.
 */
export const MAINTENANCE_FLAG = "all";

type Queryable = Pick<pg.ClientBase, "query">;

export const pauseTargetSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("task"),
    name: z.enum(Object.keys(taskPayloads) as [keyof typeof taskPayloads]),
  }),
  z.object({ kind: z.literal("priority"), name: prioritySchema }),
  z.object({
    kind: z.literal("dataset"),
    name: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, "not a dataset name"),
  }),
]);
export type PauseTarget = z.infer<typeof pauseTargetSchema>;

export const pauseFlag = (t: PauseTarget) => `${t.kind}:${t.name}`;

export interface Pause {
  flag: string;
  kind: "task" | "priority" | "dataset" | "maintenance";
  name: string;
  pausedAt: string;
  pausedBy: string;
  reason: string | null;
}

function toPause(r: { flag: string; paused_at: Date; paused_by: string; reason: string | null }): Pause {
  const [kind, ...rest] = r.flag.split(":");
  return {
    flag: r.flag,
    kind: r.flag === MAINTENANCE_FLAG ? "maintenance" : (kind as Pause["kind"]),
    name: r.flag === MAINTENANCE_FLAG ? "everything" : rest.join(":"),
    pausedAt: r.paused_at.toISOString(),
    pausedBy: r.paused_by,
    reason: r.reason,
  };
}

export async function listPauses(client: Queryable = pool()): Promise<Pause[]> {
  const { rows } = await client.query(
    "SELECT flag, paused_at, paused_by, reason FROM app.queue_pauses ORDER BY paused_at",
  );
  return rows.map(toPause);
}

/** The maintenance switch as everyone sees it (the console's banner). */
export async function maintenanceState(): Promise<{
  on: boolean;
  since: string | null;
  by: string | null;
  reason: string | null;
}> {
  const p = (await listPauses()).find((x) => x.kind === "maintenance");
  return { on: !!p, since: p?.pausedAt ?? null, by: p?.pausedBy ?? null, reason: p?.reason ?? null };
}

async function setPaused(
  client: Queryable,
  flags: string[],
  paused: boolean,
  actor: Actor,
  reason: string | null,
): Promise<string[]> {
  const { rows } = paused
    ? await client.query<{ flag: string }>(
        `INSERT INTO app.queue_pauses (flag, paused_by, reason)
         SELECT f, $2, $3 FROM unnest($1::text[]) AS f ON CONFLICT (flag) DO NOTHING RETURNING flag`,
        [flags, actorLabel(actor), reason],
      )
    : await client.query<{ flag: string }>(
        "DELETE FROM app.queue_pauses WHERE flag = ANY($1::text[]) RETURNING flag",
        [flags],
      );
  const changed = rows.map((r) => r.flag);
  for (const flag of changed) {
    await recordAudit(
      actor,
      flag === MAINTENANCE_FLAG
        ? paused
          ? "maintenance.on"
          : "maintenance.off"
        : paused
          ? "queue.pause"
          : "queue.resume",
      { type: "queue", id: flag },
      reason ? { reason } : undefined,
      client,
    );
  }
  if (changed.length) await publishLive({ type: "pause", flags: changed, paused }, client);
  return changed;
}

/** How long workers may keep using the paused set they read (see pausedFlagsReader). */
export const PAUSE_CACHE_MS = 1_000;

/**
 * Waits until every worker has re-read the paused set: when a pause returns, nothing it covers
 * starts any more (jobs that started meanwhile are running jobs, and finish).
 */
const untilWorkersSeeIt = () => new Promise((r) => setTimeout(r, PAUSE_CACHE_MS + 100));

/** Pauses a queue (a task or a priority) or a dataset: none of its jobs start until resumed. */
export async function pauseQueue(target: PauseTarget, actor: Actor, reason?: string): Promise<Pause[]> {
  const t = pauseTargetSchema.parse(target);
  await withTransaction(pool(), (c) => setPaused(c, [pauseFlag(t)], true, actor, reason ?? null));
  await untilWorkersSeeIt();
  return listPauses();
}

export async function resumeQueue(target: PauseTarget, actor: Actor): Promise<Pause[]> {
  const t = pauseTargetSchema.parse(target);
  await withTransaction(pool(), (c) => setPaused(c, [pauseFlag(t)], false, actor, null));
  return listPauses();
}

/**
 * Pauses datasets' jobs (e.g. while a restore rewrites their tables). Pass a client to do it inside
 * the caller's transaction. Answers the flags that were not paused before (resume only those).
 */
export async function pauseDatasets(
  names: string[],
  actor: Actor,
  opts: { client?: Queryable; reason?: string } = {},
): Promise<string[]> {
  const flags = names.map((name) => pauseFlag(pauseTargetSchema.parse({ kind: "dataset", name })));
  // Inside the caller's transaction: workers see it once that commits (wait PAUSE_CACHE_MS after).
  if (opts.client) return setPaused(opts.client, flags, true, actor, opts.reason ?? null);
  const paused = await withTransaction(pool(), (c) => setPaused(c, flags, true, actor, opts.reason ?? null));
  await untilWorkersSeeIt();
  return paused;
}

export async function resumeDatasets(
  names: string[],
  actor: Actor,
  opts: { client?: Queryable } = {},
): Promise<string[]> {
  const flags = names.map((name) => pauseFlag(pauseTargetSchema.parse({ kind: "dataset", name })));
  if (opts.client) return setPaused(opts.client, flags, false, actor, null);
  return withTransaction(pool(), (c) => setPaused(c, flags, false, actor, null));
}

/** The maintenance switch (admins): on, no new work starts anywhere; running jobs finish. */
export async function setMaintenance(on: boolean, actor: Actor, reason?: string) {
  if (on && reason !== undefined && reason.length > 500) {
    throw new AppError("BAD_REQUEST", "reason: at most 500 characters");
  }
  await withTransaction(pool(), (c) => setPaused(c, [MAINTENANCE_FLAG], on, actor, reason ?? null));
  if (on) await untilWorkersSeeIt();
  return maintenanceState();
}

/**
 * For a worker's `forbiddenFlags` option: the paused flags, read at most once per `ttlMs` (Graphile
 * Worker asks before every job fetch). If the read fails the last known set is kept.
 */
export function pausedFlagsReader(db: pg.Pool, ttlMs = PAUSE_CACHE_MS): () => Promise<string[]> {
  let cached: string[] = [];
  let readAt = 0;
  let reading: Promise<string[]> | undefined;
  return () => {
    if (Date.now() - readAt < ttlMs) return Promise.resolve(cached);
    reading ??= db
      .query<{ flag: string }>("SELECT flag FROM app.queue_pauses")
      .then((r) => {
        cached = r.rows.map((x) => x.flag);
        return cached;
      })
      .catch(() => cached)
      .finally(() => {
        readAt = Date.now();
        reading = undefined;
      });
    return reading;
  };
}
