import { z } from "zod";
import { listRejects, rejectsQuerySchema, violationSummary } from "@/ingest/rejects";
import { batchRows, rowsQuerySchema } from "@/ingest/rows";
import { qualityReport } from "@/quality/report";
import { analystProcedure, createTRPCRouter } from "../trpc";

export const batchesRouter = createTRPCRouter({
  rows: analystProcedure
    .input(rowsQuerySchema.extend({ batchId: z.uuid() }))
    .query(({ input: { batchId, ...query } }) => batchRows(batchId, query)),
  rejects: analystProcedure
    .input(rejectsQuerySchema.extend({ batchId: z.uuid() }))
    .query(({ input: { batchId, ...query } }) => listRejects(batchId, query)),
  quality: analystProcedure
    .input(z.object({ batchId: z.uuid() }))
    .query(({ input }) => qualityReport(input.batchId)),
  violations: analystProcedure
    .input(z.object({ batchId: z.uuid() }))
    .query(({ input }) => violationSummary(input.batchId)),
});
