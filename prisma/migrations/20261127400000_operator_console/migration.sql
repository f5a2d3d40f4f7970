-- Operator console: job search indexes, error fingerprints, attempts and log lines per job,
-- paused queues/datasets and the maintenance switch.

-- An error message with what varies between occurrences taken out (uuids, quoted values, hex ids,
-- numbers), first line only, so one broken upstream groups as one line. IMMUTABLE: it backs a
-- generated column and an index.
CREATE FUNCTION "app"."error_fingerprint"(message TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT NULLIF(left(btrim(regexp_replace(
    regexp_replace(
      regexp_replace(
        regexp_replace(
          regexp_replace(split_part(message, E'\n', 1),
            '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<id>', 'gi'),
          '"[^"]*"|''[^'']*''|`[^`]*`', '<value>', 'g'),
        '\m(0x)?[0-9a-f]{8,}\M', '<id>', 'gi'),
      '[0-9]+([.,][0-9]+)*', '<n>', 'g'),
    '\s+', ' ', 'g')), 500), '')
$$;

ALTER TABLE "app"."jobs"
  -- When the job is due (a reschedule sets it); NULL: as soon as a worker is free.
  ADD COLUMN "run_at" TIMESTAMPTZ(6),
  ADD COLUMN "error_fingerprint" TEXT GENERATED ALWAYS AS ("app"."error_fingerprint"("error")) STORED;

-- Keyset paging (created_at, id) newest or oldest first, alone or under one equality filter.
CREATE INDEX "jobs_created_at_id_idx" ON "app"."jobs" ("created_at", "id");
CREATE INDEX "jobs_status_created_at_id_idx" ON "app"."jobs" ("status", "created_at", "id");
CREATE INDEX "jobs_type_created_at_id_idx" ON "app"."jobs" ("type", "created_at", "id");
CREATE INDEX "jobs_priority_created_at_id_idx" ON "app"."jobs" ("priority", "created_at", "id");
CREATE INDEX "jobs_dataset_id_created_at_id_idx" ON "app"."jobs" ("dataset_id", "created_at", "id");
CREATE INDEX "jobs_created_by_id_created_at_id_idx" ON "app"."jobs" ("created_by_id", "created_at", "id");
-- The old two-column ones are covered by the above.
DROP INDEX IF EXISTS "app"."jobs_status_created_at_idx";
DROP INDEX IF EXISTS "app"."jobs_created_at_idx";
-- Failure groups, and throughput (completions in the last minutes) by priority.
CREATE INDEX "jobs_failed_fingerprint_idx" ON "app"."jobs" ("error_fingerprint", "finished_at") WHERE "status" = 'failed';
CREATE INDEX "jobs_finished_at_idx" ON "app"."jobs" ("finished_at") WHERE "finished_at" IS NOT NULL;
-- The backlog by priority without reading finished history.
CREATE INDEX "jobs_active_priority_idx" ON "app"."jobs" ("priority", "status") WHERE "status" IN ('queued', 'running');

-- Each run of a job's tasks: when, where, how it ended, and the error with its stack.
CREATE TABLE "app"."job_attempts" (
  "id" BIGSERIAL PRIMARY KEY,
  "job_id" UUID NOT NULL REFERENCES "app"."jobs" ("id") ON DELETE CASCADE,
  "task" TEXT NOT NULL,
  "attempt" INTEGER NOT NULL,
  "worker_id" UUID,
  "started_at" TIMESTAMPTZ(6) NOT NULL,
  "finished_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
  "succeeded" BOOLEAN NOT NULL,
  "error" TEXT,
  "stack" TEXT
);
CREATE INDEX "job_attempts_job_id_idx" ON "app"."job_attempts" ("job_id", "id");

-- Log lines tasks write about a job.
CREATE TABLE "app"."job_logs" (
  "id" BIGSERIAL PRIMARY KEY,
  "job_id" UUID NOT NULL REFERENCES "app"."jobs" ("id") ON DELETE CASCADE,
  "at" TIMESTAMPTZ(6) NOT NULL DEFAULT clock_timestamp(),
  "level" TEXT NOT NULL DEFAULT 'info',
  "message" TEXT NOT NULL
);
CREATE INDEX "job_logs_job_id_idx" ON "app"."job_logs" ("job_id", "id");

-- Paused Graphile Worker job flags: `task:<task>`, `priority:<p>`, `dataset:<name>`, or `all`
-- (the maintenance switch). Workers forbid these flags, so no such job starts until resumed.
CREATE TABLE "app"."queue_pauses" (
  "flag" TEXT PRIMARY KEY,
  "paused_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
  "paused_by" TEXT NOT NULL,
  "reason" TEXT
);

-- The Graphile Worker job flags of one of a Sluice job's tasks: what pausing can match on. Every
-- task carries `all` (the maintenance switch), its task, its job's priority and dataset, and its job.
CREATE FUNCTION "app"."job_flags"(job UUID, task TEXT) RETURNS TEXT[]
LANGUAGE sql STABLE AS $$
  SELECT ARRAY['all', 'task:' || task, 'priority:' || j.priority::TEXT, 'job:' || j.id::TEXT]
         || CASE WHEN d.name IS NULL THEN '{}'::TEXT[] ELSE ARRAY['dataset:' || d.name] END
  FROM "app"."jobs" j LEFT JOIN "app"."datasets" d ON d.id = j.dataset_id
  WHERE j.id = job
$$;

-- Text search over jobs (id, payload, error) with trigrams, where the pg_trgm extension can be
-- had (it ships with Postgres' contrib; the embedded Postgres has it). Without it, search still
-- works, by scanning.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE INDEX "jobs_search_trgm_idx" ON "app"."jobs"
    USING gin (("id"::TEXT || ' ' || "payload"::TEXT || ' ' || COALESCE("error", '')) gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'pg_trgm unavailable (%); job text search will scan', SQLERRM;
END
$$;
