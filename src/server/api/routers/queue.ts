import { tracked } from "@trpc/server";
import { queueOverview } from "@/queue/overview";
import { liveHub } from "@/server/live";
import { createTRPCRouter, operatorProcedure } from "../trpc";

export const queueRouter = createTRPCRouter({
  overview: operatorProcedure.query(() => queueOverview()),
  /**
   * The overview, live: a fresh snapshot on job and worker events (at most one a second) and at
   * least every 5 s; each snapshot is whole, so a reconnecting browser is current at once.
   */
  live: operatorProcedure.subscription(async function* ({ signal }) {
    const events = liveHub().events(signal, { tickMs: 5_000 });
    let seq = 0;
    let last = 0;
    yield tracked(String(++seq), await queueOverview());
    last = Date.now();
    for await (const _ of events) {
      if (Date.now() - last < 1_000) continue;
      last = Date.now();
      yield tracked(String(++seq), await queueOverview());
    }
  }),
});
