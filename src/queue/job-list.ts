import { z } from "zod";
import type { Actor } from "@/auth/actor";
import { pool } from "@/db/pool";
import { AppError } from "@/server/errors";
import { prioritySchema } from "./priorities";

/**
 * A job's state as operators think of it. `queued` splits three ways: waiting (due now), scheduled
 * (due later) and retrying (an earlier attempt failed; Graphile Worker runs it again after backoff).
 */
export const JOB_STATES = [
  "waiting",
  "scheduled",
  "running",
  "retrying",
  "failed",
  "succeeded",
  "cancelled",
] as const;
export type JobState = (typeof JOB_STATES)[number];

const STATE_WHERE: Record<JobState, string> = {
  waiting: "j.status = 'queued' AND j.error IS NULL AND (j.run_at IS NULL OR j.run_at <= now())",
  scheduled: "j.status = 'queued' AND j.error IS NULL AND j.run_at > now()",
  retrying: "j.status = 'queued' AND j.error IS NOT NULL",
  running: "j.status = 'running'",
  failed: "j.status = 'failed'",
  succeeded: "j.status = 'succeeded'",
  cancelled: "j.status = 'cancelled'",
};

const STATE_SQL = `CASE
  WHEN j.status <> 'queued' THEN j.status::text
  WHEN j.error IS NOT NULL THEN 'retrying'
  WHEN j.run_at > now() THEN 'scheduled'
  ELSE 'waiting' END`;

const dateInput = z.iso.datetime({ offset: true, error: "not an ISO date-time" });

export const jobListInput = z.object({
  mine: z.boolean().default(false),
  task: z.string().max(64).optional(),
  dataset: z.string().max(64).optional(),
  /** Sluice's stored status (kept for existing callers); `state` is finer. */
  status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]).optional(),
  state: z.enum(JOB_STATES).optional(),
  priority: prioritySchema.optional(),
  /** Matches the payload's text, the error, or the id's start; case-insensitive. */
  q: z.string().trim().max(200).optional(),
  /** Created at or after / before (ISO date-times). */
  from: dateInput.optional(),
  to: dateInput.optional(),
  sort: z.enum(["newest", "oldest"]).default("newest"),
  limit: z.number().int().min(1).max(200).default(50),
  /** `<created_at ISO>|<id>` of the last row of the previous page. */
  cursor: z.string().max(200).optional(),
});
export type JobListFilter = z.infer<typeof jobListInput>;

/** A text search reads at most this many matching jobs (then orders them). */
export const SEARCH_SCAN_LIMIT = 2_000;

const CURSOR_AT = /^\d{4}-\d{2}-\d{2}[ T][0-9:.]+(Z|[+-][0-9:]+)?$/;

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** WHERE clauses (over `app.jobs j`) and their parameters for a filter; shared by search and "retry all". */
export function jobFilterSql(f: JobListFilter, actor: Actor): { where: string[]; params: unknown[] } {
  const where: string[] = ["TRUE"];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.mine) where.push(`j.created_by_id = ${p(actor.kind === "user" ? actor.id : null)}::uuid`);
  if (f.task) where.push(`j.type = ${p(f.task)}`);
  if (f.dataset) where.push(`j.dataset_id = (SELECT id FROM app.datasets WHERE name = ${p(f.dataset)})`);
  if (f.status) where.push(`j.status = ${p(f.status)}::app."JobStatus"`);
  if (f.state) where.push(`(${STATE_WHERE[f.state]})`);
  if (f.priority) where.push(`j.priority = ${p(f.priority)}::app."Priority"`);
  if (f.from) where.push(`j.created_at >= ${p(f.from)}::timestamptz`);
  if (f.to) where.push(`j.created_at < ${p(f.to)}::timestamptz`);
  if (f.q) {
    // The same expression as the trigram index jobs_search_trgm_idx.
    where.push(
      `(j.id::text || ' ' || j.payload::text || ' ' || COALESCE(j.error, '')) ILIKE ${p(likePattern(f.q))}`,
    );
  }
  return { where, params };
}

interface JobRow {
  id: string;
  type: string;
  dataset: string | null;
  priority: string;
  status: string;
  state: JobState;
  progress: number;
  error: string | null;
  attempts: number;
  run_at: Date | null;
  created_at: Date;
  cursor_at: string;
  started_at: Date | null;
  finished_at: Date | null;
  file_name: string | null;
  upload_by: string | null;
  creator: string | null;
  batch_id: string | null;
  rows: number | null;
  valid: number | null;
  rejected: number | null;
  duplicates: number | null;
}

/**
 * Jobs matching a filter, newest (or oldest) first, with keyset paging: each page continues after
 * the previous page's last (created_at, id) along an index, so page 10,000 is as fast as page 1.
 */
export async function listJobs(input: z.input<typeof jobListInput>, actor: Actor) {
  const q = jobListInput.parse(input);
  const { where, params } = jobFilterSql(q, actor);
  const desc = q.sort === "newest";
  if (q.cursor) {
    // The timestamp travels as Postgres printed it: microseconds intact (a JS Date would drop them).
    const [at, id] = q.cursor.split("|");
    if (!at || !CURSOR_AT.test(at) || !id || !/^[0-9a-f-]{36}$/.test(id)) {
      throw new AppError("BAD_REQUEST", "cursor: not a cursor this API gave out");
    }
    params.push(at, id);
    where.push(
      `(j.created_at, j.id) ${desc ? "<" : ">"} ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
    );
  }
  // With text search, matches are found by the trigram index first and then ordered (a subquery
  // keeps the planner from walking the time index and filtering a million rows for a rare word).
  // A common word can match hundreds of thousands of jobs, each a heap read: the index scan stops
  // after SEARCH_SCAN_LIMIT matches and the answer says so (`searchLimited`).
  const matches = q.q
    ? `(SELECT * FROM app.jobs j WHERE ${where.join(" AND ")} LIMIT ${SEARCH_SCAN_LIMIT + 1}) j`
    : `app.jobs j WHERE ${where.join(" AND ")}`;
  params.push(q.limit + 1);
  const dir = desc ? "DESC" : "ASC";
  const { rows } = await pool().query<JobRow & { matched?: number }>(
    `SELECT j.id, j.type, d.name AS dataset, j.priority, j.status, ${STATE_SQL} AS state, j.progress, j.error,
       j.attempts, j.run_at, j.created_at, j.created_at::text AS cursor_at, j.started_at, j.finished_at,
       u.file_name, u.created_by AS upload_by, cu.email AS creator,
       b.id AS batch_id, b.rows, b.valid, b.rejected, b.duplicates${q.q ? ", j.matched" : ""}
     FROM (SELECT *${q.q ? ", count(*) OVER ()::int AS matched" : ""} FROM ${matches}
           ORDER BY j.created_at ${dir}, j.id ${dir} LIMIT $${params.length}) j
     LEFT JOIN app.datasets d ON d.id = j.dataset_id
     LEFT JOIN app.batches b ON b.job_id = j.id
     LEFT JOIN app.uploads u ON u.id = b.upload_id
     LEFT JOIN app.users cu ON cu.id = j.created_by_id
     ORDER BY j.created_at ${dir}, j.id ${dir}`,
    params,
  );
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    jobs: page.map((j) => ({
      id: j.id,
      type: j.type,
      dataset: j.dataset,
      priority: j.priority,
      status: j.status,
      state: j.state,
      progress: j.progress,
      error: j.error,
      attempts: j.attempts,
      runAt: j.run_at?.toISOString() ?? null,
      fileName: j.file_name,
      createdBy: j.upload_by ?? j.creator,
      batchId: j.batch_id,
      counts:
        j.batch_id !== null
          ? {
              rows: j.rows ?? 0,
              valid: j.valid ?? 0,
              rejected: j.rejected ?? 0,
              duplicates: j.duplicates ?? 0,
            }
          : null,
      createdAt: j.created_at.toISOString(),
      startedAt: j.started_at?.toISOString() ?? null,
      finishedAt: j.finished_at?.toISOString() ?? null,
    })),
    nextCursor: rows.length > q.limit && last ? `${last.cursor_at}|${last.id}` : null,
    /**
     * Set when a text search matched more jobs than it reads: this page is ordered among the first
     * `SEARCH_SCAN_LIMIT` matches the index gave, not necessarily the newest of all of them.
     */
    searchLimited: (rows[0]?.matched ?? 0) > SEARCH_SCAN_LIMIT ? SEARCH_SCAN_LIMIT : null,
  };
}
