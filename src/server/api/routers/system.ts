import { tracked } from "@trpc/server";
import { hasRole } from "@/auth/roles";
import { getHealth, type Health } from "@/health/health";
import { type HealthSummary, sharedSummary } from "@/metrics/summary";
import { type QueueOverview, sharedOverview } from "@/queue/overview";
import { type LiveEvent, liveHub } from "@/server/live";
import { analystProcedure, createTRPCRouter, publicProcedure } from "../trpc";

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
   * Everything the Overview page shows, in one stream (one SSE connection instead of one per
   * panel): health (on worker events, at most every second, at least every 5 s), the health cards
   * (on job and alert events at most every 2 s, at least every 10 s) and, for operators, the queue
   * (on any event at most every second, at least every 5 s). Each message is whole; parts that are
   * not due are repeated from the last message. The summary and the queue are computed once per
   * process for every subscriber.
   */
  overviewLive: analystProcedure.subscription(async function* ({ ctx, signal }) {
    const withQueue = hasRole(ctx.actor.role, "operator");
    const events = liveHub().events(signal, { tickMs: 1_000 });
    let seq = 0;
    const due = { health: 0, summary: 0, queue: 0 };
    const dirty = { health: false, summary: false, queue: false };
    const state: { health?: Health; summary?: HealthSummary; queue?: QueueOverview | null } = {};
    const refresh = async (force: boolean) => {
      const now = Date.now();
      const go = (part: keyof typeof due, minMs: number, maxMs: number) =>
        force || (now - due[part] >= minMs && (dirty[part] || now - due[part] >= maxMs));
      const parts = {
        health: go("health", 1_000, 5_000),
        summary: go("summary", 2_000, 10_000),
        queue: withQueue && go("queue", 1_000, 5_000),
      };
      if (!parts.health && !parts.summary && !parts.queue) return false;
      const [health, summary, queue] = await Promise.all([
        parts.health ? getHealth() : state.health,
        parts.summary ? sharedSummary() : state.summary,
        parts.queue ? sharedOverview() : (state.queue ?? null),
      ]);
      Object.assign(state, { health, summary, queue });
      for (const part of ["health", "summary", "queue"] as const) {
        if (!parts[part]) continue;
        due[part] = now;
        dirty[part] = false;
      }
      return true;
    };
    const message = () =>
      tracked(String(++seq), { health: state.health!, summary: state.summary!, queue: state.queue ?? null });
    await refresh(true);
    yield message();
    for await (const e of events) {
      markDirty(dirty, e);
      if (await refresh(e === "reconnect")) yield message();
    }
  }),
});

/** Which parts of the Overview an event makes stale. */
function markDirty(
  dirty: { health: boolean; summary: boolean; queue: boolean },
  e: LiveEvent | "reconnect" | "tick",
) {
  if (e === "tick") return;
  if (e === "reconnect") {
    dirty.health = dirty.summary = dirty.queue = true;
    return;
  }
  dirty.queue = true;
  if (e.type === "worker") dirty.health = true;
  if (e.type !== "worker" || e.state !== "heartbeat") dirty.summary = true;
}
