import { tracked } from "@trpc/server";
import { z } from "zod";
import {
  cancelJob,
  changeJobPriority,
  changePriorityInput,
  rescheduleInput,
  rescheduleJob,
  retryJob,
  retryMatching,
} from "@/queue/actions";
import { bulkPingInput, enqueuePings } from "@/queue/bulk";
import { failureGroups } from "@/queue/failures";
import { jobDetail } from "@/queue/job-detail";
import { jobListInput, listJobs } from "@/queue/job-list";
import { jobView } from "@/queue/job-view";
import { enqueueJob } from "@/queue/jobs";
import { prioritySchema } from "@/queue/priorities";
import { liveHub } from "@/server/live";
import { analystProcedure, createTRPCRouter, operatorProcedure } from "../trpc";

const groupFilter = jobListInput.pick({
  task: true,
  dataset: true,
  priority: true,
  mine: true,
  from: true,
  to: true,
  q: true,
});

export const jobsRouter = createTRPCRouter({
  list: analystProcedure.input(jobListInput).query(({ ctx, input }) => listJobs(input, ctx.actor)),
  get: analystProcedure.input(z.object({ id: z.uuid() })).query(({ input }) => jobView(input.id)),
  /** The job page: the job plus payload, attempts with errors and stacks, log lines, queued tasks. */
  detail: analystProcedure.input(z.object({ id: z.uuid() })).query(({ input }) => jobDetail(input.id)),
  /** Failed jobs grouped by error fingerprint, within the Jobs page's filter. */
  failureGroups: analystProcedure
    .input(groupFilter.partial())
    .query(({ ctx, input }) => failureGroups(input, ctx.actor)),
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
  /** Retries every failed job matching the filter (or one failure group's fingerprint). */
  retryAll: operatorProcedure
    .input(groupFilter.partial().extend({ fingerprint: z.string().max(500).optional() }))
    .mutation(({ ctx, input }) => retryMatching(input, ctx.actor)),
  reschedule: operatorProcedure
    .input(rescheduleInput)
    .mutation(({ ctx, input }) => rescheduleJob(input, ctx.actor)),
  setPriority: operatorProcedure
    .input(changePriorityInput)
    .mutation(({ ctx, input }) => changeJobPriority(input, ctx.actor)),
  /**
   * A round trip through the queue, for checking that workers pick up work; `holdMs` keeps a
   * worker busy that long (to see a running job, a backlog, an alert).
   */
  ping: operatorProcedure
    .input(
      z.object({
        priority: prioritySchema.default("standard"),
        holdMs: z.number().int().min(0).max(600_000).optional(),
        failWith: z.string().max(500).optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      const { priority, ...payload } = input;
      return enqueueJob({ task: "ping", payload, priority }, ctx.actor);
    }),
  /** Many pings at once (load to watch the queue move). */
  pingMany: operatorProcedure
    .input(bulkPingInput)
    .mutation(({ ctx, input }) => enqueuePings(input, ctx.actor)),
});
