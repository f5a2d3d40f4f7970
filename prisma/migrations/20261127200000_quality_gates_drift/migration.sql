-- Quality reports grow: the scheduled production check records reports that belong to no batch
-- (kind 'production'), so reports get their own id and batch_id becomes optional (still one per
-- batch). Each report keeps its row count, the gate's verdict per score, and drift against the
-- previous promoted batch of its dataset.
ALTER TABLE "app"."quality_reports" ADD COLUMN "id" UUID NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE "app"."quality_reports" DROP CONSTRAINT "quality_reports_pkey";
ALTER TABLE "app"."quality_reports" ADD CONSTRAINT "quality_reports_pkey" PRIMARY KEY ("id");
ALTER TABLE "app"."quality_reports" ALTER COLUMN "batch_id" DROP NOT NULL;
CREATE UNIQUE INDEX "quality_reports_batch_id_key" ON "app"."quality_reports"("batch_id");

ALTER TABLE "app"."quality_reports" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'batch';
ALTER TABLE "app"."quality_reports" ADD COLUMN "row_count" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "app"."quality_reports" ADD COLUMN "gate" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "app"."quality_reports" ADD COLUMN "drift" JSONB;

CREATE INDEX "quality_reports_kind_dataset_id_computed_at_idx" ON "app"."quality_reports"("kind", "dataset_id", "computed_at");

-- Text shapes counted while each chunk streams through the loader ({column: {shape: count}}),
-- merged by the quality report instead of a regular expression over every staged row.
ALTER TABLE "app"."batch_chunks" ADD COLUMN "shapes" JSONB;
