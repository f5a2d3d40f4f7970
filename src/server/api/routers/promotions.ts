import { z } from "zod";
import { datasetNameSchema } from "@/datasets/registry";
import { datasetHistory } from "@/promotion/history";
import { listPromotions, previewPromotion, readyBatches } from "@/promotion/preview";
import { promoteBatch, promoteInputSchema, revertPromotion } from "@/promotion/promote";
import { adminProcedure, analystProcedure, createTRPCRouter } from "../trpc";

export const promotionsRouter = createTRPCRouter({
  ready: analystProcedure.query(() => readyBatches()),
  list: analystProcedure
    .input(z.object({ dataset: datasetNameSchema.optional() }).default({}))
    .query(({ input }) => listPromotions(input)),
  /** A dataset's promotions and reverts over time, with counts and production's size after each. */
  history: analystProcedure
    .input(z.object({ dataset: datasetNameSchema }))
    .query(({ input }) => datasetHistory(input.dataset)),
  preview: adminProcedure
    .input(z.object({ batchId: z.uuid() }))
    .query(({ ctx, input }) => previewPromotion(input.batchId, ctx.actor.role)),
  promote: adminProcedure
    .input(promoteInputSchema.extend({ batchId: z.uuid() }))
    .mutation(({ ctx, input }) =>
      promoteBatch(input.batchId, ctx.actor, { overrideReason: input.overrideReason }),
    ),
  revert: adminProcedure
    .input(z.object({ promotionId: z.uuid() }))
    .mutation(({ ctx, input }) => revertPromotion(input.promotionId, ctx.actor)),
});
