-- Quality reports: per staged batch, computed by a worker after staging and stored (not recomputed
-- on every view): column profiles, scores with how each was computed, the overall score and gate.
CREATE TABLE "app"."quality_reports" (
    "batch_id" UUID NOT NULL,
    "dataset_id" UUID NOT NULL,
    "overall" DOUBLE PRECISION NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "min_score" DOUBLE PRECISION NOT NULL,
    "scores" JSONB NOT NULL,
    "profiles" JSONB NOT NULL,
    "violations" JSONB NOT NULL,
    "computed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "duration_ms" INTEGER NOT NULL,

    CONSTRAINT "quality_reports_pkey" PRIMARY KEY ("batch_id")
);

-- CreateIndex
CREATE INDEX "quality_reports_dataset_id_computed_at_idx" ON "app"."quality_reports"("dataset_id", "computed_at");

-- AddForeignKey
ALTER TABLE "app"."quality_reports" ADD CONSTRAINT "quality_reports_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "app"."batches"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app"."quality_reports" ADD CONSTRAINT "quality_reports_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "app"."datasets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
