import { tracked } from "@trpc/server";
import { getHealth } from "@/health/health";
import { liveHub } from "@/server/live";
import { analystProcedure, createTRPCRouter, publicProcedure } from "../trpc";

/** How often the live health stream sends a fresh snapshot even when nothing was notified. */
const HEALTH_STREAM_INTERVAL_MS = 5_000;

export const systemRouter = createTRPCRouter({
  health: publicProcedure.query(() => getHealth()),

  whoami: publicProcedure.query(({ ctx }) =>
    ctx.actor && ctx.actor.kind !== "system"
      ? {
          kind: ctx.actor.kind,
          role: ctx.actor.role,
          name: ctx.actor.kind === "user" ? (ctx.actor.name ?? ctx.actor.email) : ctx.actor.name,
        }
      : null,
  ),

  /**
   * Live health over SSE: a snapshot at once, then on every worker event (start, heartbeat, stop)
   * and at least every few seconds. Each snapshot is whole, so a reconnecting browser is current
   * with its first message.
   */
  healthStream: analystProcedure.subscription(async function* ({ signal }) {
    // Subscribe before the first read, so nothing between the two is missed.
    const events = liveHub().events(signal, { tickMs: HEALTH_STREAM_INTERVAL_MS });
    let seq = 0;
    let last = 0;
    const snapshot = async () => {
      last = Date.now();
      return tracked(String(++seq), await getHealth());
    };
    yield await snapshot();
    for await (const e of events) {
      if (typeof e === "object" && e.type !== "worker") continue;
      // Heartbeats from many workers arrive together; one snapshot a second is plenty.
      if (Date.now() - last < 1000) continue;
      yield await snapshot();
    }
  }),
});
