import { z } from "zod";
import {
  createPullSource,
  createPullSourceInput,
  listPulls,
  updatePullSource,
  updatePullSourceInput,
} from "@/schedules/pull";
import {
  createSchedule,
  createScheduleInput,
  deleteSchedule,
  getSchedule,
  listRuns,
  listSchedules,
  runScheduleNow,
  schedulableTasks,
  scheduleNameSchema,
  updateSchedule,
  updateScheduleInput,
} from "@/schedules/schedules";
import { adminProcedure, createTRPCRouter, operatorProcedure } from "../trpc";

const byName = z.object({ name: scheduleNameSchema });

export const schedulesRouter = createTRPCRouter({
  list: operatorProcedure.query(() => listSchedules()),
  get: operatorProcedure.input(byName).query(({ input }) => getSchedule(input.name)),
  runs: operatorProcedure
    .input(byName.extend({ limit: z.number().int().min(1).max(100).default(20) }))
    .query(({ input }) => listRuns(input.name, input.limit)),
  pulls: operatorProcedure
    .input(byName.extend({ limit: z.number().int().min(1).max(100).default(20) }))
    .query(({ input }) => listPulls(input.name, input.limit)),
  tasks: adminProcedure.query(() => schedulableTasks()),
  runNow: operatorProcedure.input(byName).mutation(({ ctx, input }) => runScheduleNow(input.name, ctx.actor)),
  create: adminProcedure
    .input(createScheduleInput)
    .mutation(({ ctx, input }) => createSchedule(input, ctx.actor)),
  update: adminProcedure
    .input(updateScheduleInput)
    .mutation(({ ctx, input }) => updateSchedule(input, ctx.actor)),
  delete: adminProcedure.input(byName).mutation(({ ctx, input }) => deleteSchedule(input.name, ctx.actor)),
  createPullSource: adminProcedure
    .input(createPullSourceInput)
    .mutation(({ ctx, input }) => createPullSource(input, ctx.actor)),
  updatePullSource: adminProcedure
    .input(updatePullSourceInput)
    .mutation(({ ctx, input }) => updatePullSource(input, ctx.actor)),
});
