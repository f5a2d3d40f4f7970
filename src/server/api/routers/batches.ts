import { z } from "zod";
import { listRejects, rejectsQuerySchema, violationSummary } from "@/ingest/rejects";
import { batchRows, rowsQuerySchema } from "@/ingest/rows";
import { batchLineage } from "@/promotion/lineage";
import { qualityReport } from "@/quality/report";
import { analystProcedure, createTRPCRouter } from "../trpc";

export const batchesRouter = createTRPCRouter({
  rows: analystProcedure
    .input(rowsQuerySchema.extend({ batchId: z.uuid() }))
    .query(({ ctx, input: { batchId, ...query } }) => batchRows(batchId, query, ctx.actor.role)),
  rejects: analystProcedure
    .input(rejectsQuerySchema.extend({ batchId: z.uuid() }))
    .query(({ ctx, input: { batchId, ...query } }) => listRejects(batchId, query, ctx.actor.role)),
  quality: analystProcedure
    .input(z.object({ batchId: z.uuid() }))
    .query(({ ctx, input }) => qualityReport(input.batchId, ctx.actor.role)),
  /** Upload → job → batch → quality report → promotions → production. */
  lineage: analystProcedure
    .input(z.object({ batchId: z.uuid() }))
    .query(({ input }) => batchLineage(input.batchId)),
  violations: analystProcedure
    .input(z.object({ batchId: z.uuid() }))
    .query(({ input }) => violationSummary(input.batchId)),
});
