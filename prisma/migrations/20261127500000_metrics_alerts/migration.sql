-- Metrics: one compact row per minute (and one per hour, rolled up from app.jobs and the minute
-- rows), kept by a retention policy. Depth is by priority and state as JSON
-- ({"standard":{"waiting":3,…},…}) so a new state needs no column.
CREATE TABLE "app"."metric_samples" (
    "resolution" TEXT NOT NULL,
    "at" TIMESTAMPTZ(6) NOT NULL,
    "depth" JSONB NOT NULL DEFAULT '{}',
    "completed" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "wait_p50_ms" DOUBLE PRECISION,
    "wait_p95_ms" DOUBLE PRECISION,
    "run_p50_ms" DOUBLE PRECISION,
    "run_p95_ms" DOUBLE PRECISION,
    "rows_loaded" BIGINT NOT NULL DEFAULT 0,
    "workers_alive" INTEGER NOT NULL DEFAULT 0,
    "oldest_waiting_s" DOUBLE PRECISION,

    CONSTRAINT "metric_samples_pkey" PRIMARY KEY ("resolution", "at"),
    CONSTRAINT "metric_samples_resolution_check" CHECK ("resolution" IN ('minute', 'hour'))
);

-- Throughput and latency are read by finish time; without this every sample would scan app.jobs.
CREATE INDEX IF NOT EXISTS "jobs_finished_at_idx" ON "app"."jobs"("finished_at") WHERE "finished_at" IS NOT NULL;
-- Rows loaded are read by staging time.
CREATE INDEX "batches_staged_at_idx" ON "app"."batches"("staged_at") WHERE "staged_at" IS NOT NULL;

-- Alert rules: a kind, its parameters (validated in code per kind), and the evaluator's memory of
-- since when the condition has held (for rules with a "for M minutes" window).
CREATE TABLE "app"."alert_rules" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "pending_since" TIMESTAMPTZ(6),
    "last_evaluated_at" TIMESTAMPTZ(6),
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alert_rules_kind_check" CHECK ("kind" IN ('queue_depth', 'failure_rate', 'long_running', 'no_worker', 'quality_below', 'backup_missed'))
);
CREATE UNIQUE INDEX "alert_rules_name_key" ON "app"."alert_rules"("name");

-- One row per firing: opened when the rule's condition starts to hold, closed when it stops.
CREATE TABLE "app"."alerts" (
    "id" UUID NOT NULL,
    "rule_id" UUID NOT NULL,
    "summary" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "fired_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(6),
    "acknowledged_at" TIMESTAMPTZ(6),
    "acknowledged_by" TEXT,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);
-- At most one open alert per rule: the database, not only the evaluator, prevents a storm.
CREATE UNIQUE INDEX "alerts_one_open_per_rule" ON "app"."alerts"("rule_id") WHERE "resolved_at" IS NULL;
CREATE INDEX "alerts_fired_at_idx" ON "app"."alerts"("fired_at");
ALTER TABLE "app"."alerts" ADD CONSTRAINT "alerts_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "app"."alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Webhooks admins configure; every firing and every resolve is POSTed to each enabled one.
CREATE TABLE "app"."alert_webhooks" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "format" TEXT NOT NULL DEFAULT 'json',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_webhooks_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alert_webhooks_format_check" CHECK ("format" IN ('json', 'slack'))
);
CREATE UNIQUE INDEX "alert_webhooks_name_key" ON "app"."alert_webhooks"("name");

-- The delivery log: one row per (alert event, webhook), updated by each attempt.
CREATE TABLE "app"."webhook_deliveries" (
    "id" UUID NOT NULL,
    "webhook_id" UUID NOT NULL,
    "alert_id" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_attempt_at" TIMESTAMPTZ(6),
    "delivered_at" TIMESTAMPTZ(6),

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "webhook_deliveries_event_check" CHECK ("event" IN ('firing', 'resolved')),
    CONSTRAINT "webhook_deliveries_status_check" CHECK ("status" IN ('pending', 'delivered', 'failed'))
);
CREATE INDEX "webhook_deliveries_created_at_idx" ON "app"."webhook_deliveries"("created_at");
ALTER TABLE "app"."webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "app"."alert_webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "app"."webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "app"."alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Cumulative job counts and duration histograms for Prometheus counters, advanced by the sampler
-- over what finished since `upto` (so a scrape reads a few rows, not the whole job history).
CREATE TABLE "app"."metric_job_totals" (
    "task" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "jobs" BIGINT NOT NULL DEFAULT 0,
    "duration_sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "duration_count" BIGINT NOT NULL DEFAULT 0,
    "duration_buckets" BIGINT[] NOT NULL DEFAULT '{}',

    CONSTRAINT "metric_job_totals_pkey" PRIMARY KEY ("task", "status")
);
CREATE TABLE "app"."metric_job_totals_watermark" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "upto" TIMESTAMPTZ(6),

    CONSTRAINT "metric_job_totals_watermark_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "metric_job_totals_watermark_one_row" CHECK ("id" = 1)
);
INSERT INTO "app"."metric_job_totals_watermark" ("id") VALUES (1);
