import { z } from "zod";
import { datasetNameSchema } from "@/datasets/registry";
import { datasetQuality, qualityOverview } from "@/quality/overview";
import { qualityReport } from "@/quality/report";
import { analystProcedure, createTRPCRouter } from "../trpc";

export const qualityRouter = createTRPCRouter({
  overview: analystProcedure.query(() => qualityOverview()),
  dataset: analystProcedure
    .input(z.object({ name: datasetNameSchema }))
    .query(({ input }) => datasetQuality(input.name)),
  report: analystProcedure
    .input(z.object({ batchId: z.uuid() }))
    .query(({ input }) => qualityReport(input.batchId)),
});
