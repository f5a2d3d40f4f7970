import { prepareUpload, prepareUploadInput } from "@/ingest/prepare";
import { submitUpload, submitUploadInput } from "@/ingest/uploads";
import { analystProcedure, createTRPCRouter } from "../trpc";

/** The browser's upload flow; the bytes themselves go to POST /api/v1/uploads?submit=false. */
export const uploadsRouter = createTRPCRouter({
  prepare: analystProcedure.input(prepareUploadInput).query(({ input }) => prepareUpload(input)),
  submit: analystProcedure
    .input(submitUploadInput)
    .mutation(({ ctx, input }) => submitUpload(input, ctx.actor)),
});
