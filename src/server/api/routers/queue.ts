import { tracked } from "@trpc/server";
import { z } from "zod";
import { forecastInput, sharedForecast } from "@/queue/forecast";
import { queueOverview, sharedOverview } from "@/queue/overview";
import {
  listPauses,
  maintenanceState,
  pauseQueue,
  pauseTargetSchema,
  resumeQueue,
  setMaintenance,
} from "@/queue/pauses";
import { liveHub } from "@/server/live";
import { adminProcedure, analystProcedure, createTRPCRouter, operatorProcedure } from "../trpc";

export const queueRouter = createTRPCRouter({
  overview: operatorProcedure.query(() => queueOverview()),
  /**
   * The overview, live: a fresh snapshot within a second of job, worker and pause events, and at
   * least every 5 s (one query serves every browser watching); each snapshot is whole, so a reconnecting browser is current at once.
   */
  live: operatorProcedure.subscription(async function* ({ signal }) {
    // Ticks every second: a burst's last event shows within a second without a snapshot per event.
    const events = liveHub().events(signal, { tickMs: 1_000 });
    let seq = 0;
    let last = Date.now();
    let dirty = false;
    yield tracked(String(++seq), await sharedOverview());
    for await (const e of events) {
      if (e !== "tick") dirty = true;
      const age = Date.now() - last;
      if (age < 1_000 || (!dirty && age < 5_000)) continue;
      dirty = false;
      last = Date.now();
      yield tracked(String(++seq), await sharedOverview());
    }
  }),
  /** When each priority's backlog empties at the current throughput, and whether it is growing. */
  forecast: operatorProcedure.input(forecastInput).query(({ input }) => sharedForecast(input)),
  pauses: operatorProcedure.query(() => listPauses()),
  pause: operatorProcedure
    .input(z.object({ target: pauseTargetSchema, reason: z.string().max(500).optional() }))
    .mutation(({ ctx, input }) => pauseQueue(input.target, ctx.actor, input.reason)),
  resume: operatorProcedure
    .input(z.object({ target: pauseTargetSchema }))
    .mutation(({ ctx, input }) => resumeQueue(input.target, ctx.actor)),
  /** Everyone sees the maintenance banner. */
  maintenance: analystProcedure.query(() => maintenanceState()),
  setMaintenance: adminProcedure
    .input(z.object({ on: z.boolean(), reason: z.string().max(500).optional() }))
    .mutation(({ ctx, input }) => setMaintenance(input.on, ctx.actor, input.reason)),
});
