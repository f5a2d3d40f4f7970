-- Backup catalog: one row per backup, whatever its outcome. Never rolled back by a restore.
CREATE TABLE "app"."backups" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "status" TEXT NOT NULL DEFAULT 'queued',
    "trigger" TEXT NOT NULL DEFAULT 'manual',
    "engine" TEXT NOT NULL DEFAULT 'builtin',
    "reason" TEXT,
    "job_id" UUID,
    "created_by_id" UUID,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(6),
    "finished_at" TIMESTAMPTZ(6),
    "snapshot_at" TIMESTAMPTZ(6),
    "duration_ms" INTEGER,
    "size_bytes" BIGINT,
    "tables" INTEGER,
    "total_rows" BIGINT,
    "row_counts" JSONB NOT NULL DEFAULT '{}',
    "schema_version" TEXT,
    "encrypted" BOOLEAN NOT NULL DEFAULT false,
    "progress" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "verified_at" TIMESTAMPTZ(6),
    "verify_ok" BOOLEAN,
    "verify_message" TEXT,

    CONSTRAINT "backups_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "backups_status_check" CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed')),
    CONSTRAINT "backups_trigger_check" CHECK ("trigger" IN ('manual', 'schedule'))
);

CREATE INDEX "backups_created_at_idx" ON "app"."backups"("created_at");

-- Retention policy: one row. Keep the newest backup of each of the last N days and M weeks.
CREATE TABLE "app"."backup_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "keep_daily" INTEGER NOT NULL DEFAULT 7,
    "keep_weekly" INTEGER NOT NULL DEFAULT 4,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT,

    CONSTRAINT "backup_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "backup_settings_one_row" CHECK ("id" = 1),
    CONSTRAINT "backup_settings_keep_check" CHECK ("keep_daily" >= 0 AND "keep_weekly" >= 0 AND "keep_daily" + "keep_weekly" >= 1)
);

INSERT INTO "app"."backup_settings" ("id") VALUES (1);
