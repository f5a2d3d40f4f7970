import { tracked } from "@trpc/server";
import { z } from "zod";
import { cancelJob, retryJob } from "@/queue/actions";
import { jobListInput, listJobs } from "@/queue/job-list";
import { jobView } from "@/queue/job-view";
import { enqueueJob } from "@/queue/jobs";
import { prioritySchema } from "@/queue/priorities";
import { liveHub } from "@/server/live";
import { analystProcedure, createTRPCRouter, operatorProcedure } from "../trpc";

export const jobsRouter = createTRPCRouter({
  list: analystProcedure.input(jobListInput).query(({ ctx, input }) => listJobs(input, ctx.actor)),
  get: analystProcedure.input(z.object({ id: z.uuid() })).query(({ input }) => jobView(input.id)),
  /**
   * Live job events over SSE: `{jobId, status, progress}` as workers report them (at least once a
   * second while a job runs), or `{reconnected: true}` after the server's listener reconnected, when
   * the browser should refetch. Filter by job to follow one.
   */
  live: analystProcedure.input(z.object({ jobId: z.uuid().optional() })).subscription(async function* ({
    input,
    signal,
  }) {
    let seq = 0;
    for await (const e of liveHub().events(signal)) {
      if (e === "reconnect") {
        yield tracked(String(++seq), { reconnected: true as const });
        continue;
      }
      if (e === "tick" || e.type !== "job") continue;
      if (input.jobId && e.jobId !== input.jobId) continue;
      yield tracked(String(++seq), { jobId: e.jobId, status: e.status, progress: e.progress ?? null });
    }
  }),
  cancel: operatorProcedure
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => cancelJob(input.id, ctx.actor)),
  retry: operatorProcedure
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => retryJob(input.id, ctx.actor)),
  /**
   * A round trip through the queue, for checking that workers pick up work; `holdMs` keeps a
   * worker busy that long (to see a running job, a backlog, an alert).
   */
  ping: operatorProcedure
    .input(
      z.object({
        priority: prioritySchema.default("standard"),
        holdMs: z.number().int().min(0).max(60_000).optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      enqueueJob(
        { task: "ping", payload: input.holdMs ? { holdMs: input.holdMs } : {}, priority: input.priority },
        ctx.actor,
      ),
    ),
});
