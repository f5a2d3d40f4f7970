import { z } from "zod";
import { enqueueJob, getJob } from "@/queue/jobs";
import { prioritySchema } from "@/queue/priorities";
import { AppError } from "@/server/errors";
import { analystProcedure, createTRPCRouter, operatorProcedure } from "../trpc";

export const jobsRouter = createTRPCRouter({
  get: analystProcedure.input(z.object({ id: z.uuid() })).query(async ({ input }) => {
    const job = await getJob(input.id);
    if (!job) throw new AppError("NOT_FOUND", "No such job");
    return job;
  }),
  /** A round trip through the queue, for checking that workers pick up work. */
  ping: operatorProcedure
    .input(z.object({ priority: prioritySchema.default("standard") }))
    .mutation(({ ctx, input }) =>
      enqueueJob({ task: "ping", payload: {}, priority: input.priority }, ctx.actor),
    ),
});
