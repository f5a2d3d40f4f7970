-- Ingestion: uploads, batches (the rows one job staged), their chunks and rejected rows, and the
-- column mappings analysts confirmed. Dataset tables themselves live in schemas staging/production.
CREATE SCHEMA IF NOT EXISTS "staging";
CREATE SCHEMA IF NOT EXISTS "production";

-- CreateEnum
CREATE TYPE "app"."BatchStatus" AS ENUM ('loading', 'staged', 'failed', 'cancelled');

-- CreateTable
CREATE TABLE "app"."uploads" (
    "id" UUID NOT NULL,
    "dataset_id" UUID NOT NULL,
    "file_name" TEXT NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "storage_key" TEXT NOT NULL,
    "content_type" TEXT,
    "created_by_id" UUID,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "uploads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app"."batches" (
    "id" UUID NOT NULL,
    "dataset_id" UUID NOT NULL,
    "dataset_version" INTEGER NOT NULL,
    "upload_id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "status" "app"."BatchStatus" NOT NULL DEFAULT 'loading',
    "mapping" JSONB NOT NULL DEFAULT '{}',
    "file_info" JSONB NOT NULL DEFAULT '{}',
    "rows" INTEGER NOT NULL DEFAULT 0,
    "valid" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "classification" JSONB NOT NULL DEFAULT '{}',
    "violations" JSONB NOT NULL DEFAULT '{}',
    "warnings" JSONB NOT NULL DEFAULT '[]',
    "chunks_total" INTEGER NOT NULL DEFAULT 0,
    "chunks_done" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "staged_at" TIMESTAMPTZ(6),

    CONSTRAINT "batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app"."batch_chunks" (
    "batch_id" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "start_byte" BIGINT NOT NULL,
    "end_byte" BIGINT NOT NULL,
    "first_row" INTEGER NOT NULL,
    "first_line" INTEGER NOT NULL,
    "has_header" BOOLEAN NOT NULL,
    "rows_done" INTEGER NOT NULL DEFAULT 0,
    "valid" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "done_at" TIMESTAMPTZ(6),

    CONSTRAINT "batch_chunks_pkey" PRIMARY KEY ("batch_id","index")
);

-- CreateTable
CREATE TABLE "app"."batch_rejects" (
    "batch_id" UUID NOT NULL,
    "row_number" INTEGER NOT NULL,
    "line_number" INTEGER NOT NULL,
    "values" JSONB NOT NULL,
    "violations" JSONB NOT NULL,

    CONSTRAINT "batch_rejects_pkey" PRIMARY KEY ("batch_id","row_number")
);

-- CreateTable
CREATE TABLE "app"."column_mappings" (
    "dataset_id" UUID NOT NULL,
    "header_hash" TEXT NOT NULL,
    "headers" JSONB NOT NULL,
    "mapping" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "column_mappings_pkey" PRIMARY KEY ("dataset_id","header_hash")
);

-- CreateIndex
CREATE INDEX "uploads_dataset_id_sha256_idx" ON "app"."uploads"("dataset_id", "sha256");

-- CreateIndex
CREATE INDEX "uploads_sha256_idx" ON "app"."uploads"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "batches_job_id_key" ON "app"."batches"("job_id");

-- CreateIndex
CREATE INDEX "batches_dataset_id_created_at_idx" ON "app"."batches"("dataset_id", "created_at");

-- CreateIndex
CREATE INDEX "batches_upload_id_idx" ON "app"."batches"("upload_id");

-- AddForeignKey
ALTER TABLE "app"."uploads" ADD CONSTRAINT "uploads_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "app"."datasets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app"."batches" ADD CONSTRAINT "batches_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "app"."datasets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app"."batches" ADD CONSTRAINT "batches_upload_id_fkey" FOREIGN KEY ("upload_id") REFERENCES "app"."uploads"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app"."batches" ADD CONSTRAINT "batches_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "app"."jobs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app"."batch_chunks" ADD CONSTRAINT "batch_chunks_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "app"."batches"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app"."batch_rejects" ADD CONSTRAINT "batch_rejects_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "app"."batches"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app"."column_mappings" ADD CONSTRAINT "column_mappings_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "app"."datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
