-- Promotions: a staged batch applied to production.<dataset> in one transaction, revertible. What each
-- promotion changed is kept in history.<dataset> (previous versions of updated and deleted rows, the
-- keys it inserted), so a revert restores production exactly.
CREATE SCHEMA IF NOT EXISTS "history";

-- CreateEnum
CREATE TYPE "app"."PromotionStatus" AS ENUM ('applied', 'reverted');

-- CreateTable
CREATE TABLE "app"."promotions" (
    "id" UUID NOT NULL,
    "batch_id" UUID NOT NULL,
    "dataset_id" UUID NOT NULL,
    "mode" TEXT NOT NULL,
    "status" "app"."PromotionStatus" NOT NULL DEFAULT 'applied',
    "inserted" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "deleted" INTEGER NOT NULL DEFAULT 0,
    "quality_score" DOUBLE PRECISION,
    "auto" BOOLEAN NOT NULL DEFAULT false,
    "override_reason" TEXT,
    "created_by_id" UUID,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "duration_ms" INTEGER NOT NULL DEFAULT 0,
    "reverted_at" TIMESTAMPTZ(6),
    "reverted_by" TEXT,

    CONSTRAINT "promotions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "promotions_dataset_id_created_at_idx" ON "app"."promotions"("dataset_id", "created_at");

-- CreateIndex
CREATE INDEX "promotions_batch_id_idx" ON "app"."promotions"("batch_id");

-- A batch is in production at most once at a time (it may be promoted again after a revert).
CREATE UNIQUE INDEX "promotions_one_applied_per_batch" ON "app"."promotions"("batch_id") WHERE "status" = 'applied';

-- AddForeignKey
ALTER TABLE "app"."promotions" ADD CONSTRAINT "promotions_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "app"."batches"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app"."promotions" ADD CONSTRAINT "promotions_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "app"."datasets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
