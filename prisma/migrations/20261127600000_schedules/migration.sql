-- Schedules: recurring jobs fired by one Graphile Worker crontab tick (`schedule_tick`, every
-- minute). A schedule names a task and payload, and optional follow-up steps that start only when
-- the previous step's job succeeded. Each firing is a run; (schedule, fired_at) is unique, so a
-- firing is recorded and enqueued once however many workers tick.
CREATE TABLE "app"."schedules" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "cron" TEXT NOT NULL,
    "task" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "steps" JSONB NOT NULL DEFAULT '[]',
    "priority" "app"."Priority" NOT NULL DEFAULT 'standard',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "system" BOOLEAN NOT NULL DEFAULT false,
    "next_fire_at" TIMESTAMPTZ(6),
    "last_fired_at" TIMESTAMPTZ(6),
    "last_outcome" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "schedules_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "schedules_name_key" ON "app"."schedules"("name");
CREATE INDEX "schedules_enabled_next_fire_at_idx" ON "app"."schedules"("enabled", "next_fire_at");

-- One firing: `steps` holds per step {task, jobId, status, error}; `waiting_job_id` is the job the
-- chain waits on (its success starts the next step); `context` carries earlier steps' results
-- (e.g. a batch id) into later steps' payloads.
CREATE TABLE "app"."schedule_runs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "schedule_id" UUID NOT NULL,
    "fired_at" TIMESTAMPTZ(6) NOT NULL,
    "trigger" TEXT NOT NULL,
    "triggered_by" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "steps" JSONB NOT NULL DEFAULT '[]',
    "context" JSONB NOT NULL DEFAULT '{}',
    "waiting_job_id" UUID,
    "error" TEXT,
    "finished_at" TIMESTAMPTZ(6),

    CONSTRAINT "schedule_runs_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "schedule_runs_schedule_id_fired_at_key" ON "app"."schedule_runs"("schedule_id", "fired_at");
CREATE INDEX "schedule_runs_waiting_job_id_idx" ON "app"."schedule_runs"("waiting_job_id");

ALTER TABLE "app"."schedule_runs" ADD CONSTRAINT "schedule_runs_schedule_id_fkey" FOREIGN KEY ("schedule_id") REFERENCES "app"."schedules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Pull sources: a URL fetched on a schedule (the schedule's task is `pull_source`) into a dataset.
CREATE TABLE "app"."pull_sources" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "schedule_id" UUID NOT NULL,
    "dataset_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "timeout_ms" INTEGER NOT NULL DEFAULT 30000,
    "auto_promote" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pull_sources_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "pull_sources_schedule_id_key" ON "app"."pull_sources"("schedule_id");

ALTER TABLE "app"."pull_sources" ADD CONSTRAINT "pull_sources_schedule_id_fkey" FOREIGN KEY ("schedule_id") REFERENCES "app"."schedules"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "app"."pull_sources" ADD CONSTRAINT "pull_sources_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "app"."datasets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Each pull: `fetched` (submitted for ingest), `unchanged` (same SHA-256 as the last fetched
-- pull; skipped) or `failed` (HTTP error, timeout, too large), with bytes, HTTP status and batch.
CREATE TABLE "app"."pulls" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "pull_source_id" UUID NOT NULL,
    "job_id" UUID,
    "status" TEXT NOT NULL,
    "http_status" INTEGER,
    "bytes" BIGINT,
    "sha256" TEXT,
    "upload_id" UUID,
    "batch_id" UUID,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(6),

    CONSTRAINT "pulls_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "pulls_pull_source_id_started_at_idx" ON "app"."pulls"("pull_source_id", "started_at");

ALTER TABLE "app"."pulls" ADD CONSTRAINT "pulls_pull_source_id_fkey" FOREIGN KEY ("pull_source_id") REFERENCES "app"."pull_sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "app"."pulls" ADD CONSTRAINT "pulls_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "app"."batches"("id") ON DELETE SET NULL ON UPDATE CASCADE;
