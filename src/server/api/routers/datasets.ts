import { z } from "zod";
import { applyDataset, datasetNameSchema, datasetView, listDatasets } from "@/datasets/registry";
import { productionRows, rowsQuerySchema } from "@/ingest/rows";
import { rowKeySchema, rowLineage } from "@/promotion/lineage";
import { adminProcedure, analystProcedure, createTRPCRouter } from "../trpc";

export const datasetsRouter = createTRPCRouter({
  list: analystProcedure.query(() => listDatasets()),
  get: analystProcedure
    .input(z.object({ name: datasetNameSchema }))
    .query(({ input }) => datasetView(input.name)),
  /** Create or update from a definition; a destructive change needs `force`. */
  save: adminProcedure
    .input(z.object({ definition: z.unknown(), force: z.boolean().default(false) }))
    .mutation(({ ctx, input }) => applyDataset(input.definition, ctx.actor, { force: input.force })),
  rows: analystProcedure
    .input(rowsQuerySchema.extend({ name: datasetNameSchema }))
    .query(({ ctx, input: { name, ...query } }) => productionRows(name, query, ctx.actor.role)),
  /** The lineage of one production row, named by its natural key. */
  rowLineage: analystProcedure
    .input(z.object({ name: datasetNameSchema, key: rowKeySchema }))
    .query(({ ctx, input }) => rowLineage(input.name, input.key, ctx.actor.role)),
});
