import { listDatasets } from "@/datasets/datasets";
import { analystProcedure, createTRPCRouter } from "../trpc";

export const datasetsRouter = createTRPCRouter({
  list: analystProcedure.query(() => listDatasets()),
});
