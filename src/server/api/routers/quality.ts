import { z } from "zod";
import { datasetNameSchema, getDataset } from "@/datasets/registry";
import { datasetQuality, qualityOverview } from "@/quality/overview";
import { qualityReport } from "@/quality/report";
import { enqueueJob } from "@/queue/jobs";
import { analystProcedure, createTRPCRouter, operatorProcedure } from "../trpc";

export const qualityRouter = createTRPCRouter({
  overview: analystProcedure.query(() => qualityOverview()),
  dataset: analystProcedure
    .input(z.object({ name: datasetNameSchema }))
    .query(({ input }) => datasetQuality(input.name)),
  /** Runs the production check of one dataset now (the scheduler runs it for all every 4 h). */
  checkProduction: operatorProcedure
    .input(z.object({ dataset: datasetNameSchema }))
    .mutation(async ({ ctx, input }) => {
      const { id } = await getDataset(input.dataset);
      const job = await enqueueJob(
        { task: "quality_production_check", payload: { dataset: input.dataset }, datasetId: id },
        ctx.actor,
      );
      return { jobId: job.id };
    }),
  report: analystProcedure
    .input(z.object({ batchId: z.uuid() }))
    .query(({ ctx, input }) => qualityReport(input.batchId, ctx.actor.role)),
});
