import { z } from "zod";
import { datasetNameSchema } from "@/datasets/registry";
import { listPromotions, previewPromotion, readyBatches } from "@/promotion/preview";
import { promoteBatch, promoteInputSchema, revertPromotion } from "@/promotion/promote";
import { adminProcedure, analystProcedure, createTRPCRouter } from "../trpc";

export const promotionsRouter = createTRPCRouter({
  ready: analystProcedure.query(() => readyBatches()),
  list: analystProcedure
    .input(z.object({ dataset: datasetNameSchema.optional() }).default({}))
    .query(({ input }) => listPromotions(input)),
  preview: adminProcedure
    .input(z.object({ batchId: z.uuid() }))
    .query(({ input }) => previewPromotion(input.batchId)),
  promote: adminProcedure
    .input(promoteInputSchema.extend({ batchId: z.uuid() }))
    .mutation(({ ctx, input }) =>
      promoteBatch(input.batchId, ctx.actor, { overrideReason: input.overrideReason }),
    ),
  revert: adminProcedure
    .input(z.object({ promotionId: z.uuid() }))
    .mutation(({ ctx, input }) => revertPromotion(input.promotionId, ctx.actor)),
});
