import { EventEmitter, on } from "node:events";
import pg from "pg";
import { z } from "zod";
import { databaseUrl } from "@/env";

/**
 * Live events: workers and the app NOTIFY on one channel; each app process LISTENs on one
 * connection and fans events out to browser subscriptions. Payloads stay small (ids and counters):
 * the browser refetches details. NOTIFYs sent while the listener is reconnecting are lost, so
 * subscribers re-read state after a reconnect.
 */
export const LIVE_CHANNEL = "sluice_events";

export const liveEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("worker"),
    workerId: z.string(),
    state: z.enum(["started", "heartbeat", "stopped"]),
  }),
  /** A queue, dataset or the maintenance switch was paused or resumed. */
  z.object({ type: z.literal("pause"), flags: z.array(z.string()), paused: z.boolean() }),
  z.object({
    type: z.literal("job"),
    jobId: z.string(),
    status: z.string(),
    progress: z.number().optional(),
  }),
  z.object({
    type: z.literal("alert"),
    alertId: z.string(),
    state: z.enum(["firing", "resolved", "acknowledged"]),
  }),
  z.object({
    type: z.literal("backup"),
    backupId: z.string(),
    status: z.string(),
    tablesDone: z.number().optional(),
    tablesTotal: z.number().optional(),
    bytes: z.number().optional(),
    rows: z.number().optional(),
    bytesPerSecond: z.number().optional(),
    table: z.string().optional(),
  }),
]);
export type LiveEvent = z.infer<typeof liveEventSchema>;

/** Sends a live event; pass a client (pg or a Prisma transaction) to send it only when that commits. */
export async function publishLive(
  event: LiveEvent,
  client:
    | Pick<pg.ClientBase, "query">
    | { $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number> },
): Promise<void> {
  const sql = "SELECT pg_notify($1, $2)";
  if ("query" in client) await client.query(sql, [LIVE_CHANNEL, JSON.stringify(event)]);
  else await client.$executeRawUnsafe(sql, LIVE_CHANNEL, JSON.stringify(event));
}

class LiveHub extends EventEmitter {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;

  ensureListening(): Promise<void> {
    this.connecting ??= this.connect();
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: databaseUrl(), application_name: "sluice-live" });
    client.on("notification", (msg) => {
      if (msg.channel !== LIVE_CHANNEL || !msg.payload) return;
      const parsed = liveEventSchema.safeParse(JSON.parse(msg.payload));
      if (parsed.success) this.emit("event", parsed.data);
    });
    const reconnect = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.connecting = undefined;
      client.end().catch(() => undefined);
      this.emit("reconnect");
      setTimeout(() => this.ensureListening().catch(() => undefined), 1000);
    };
    client.on("error", reconnect);
    client.on("end", reconnect);
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_CHANNEL}`);
      this.client = client;
    } catch (err) {
      this.connecting = undefined;
      throw err;
    }
  }

  /**
   * Yields live events until the signal aborts: "reconnect" after the listener lost its connection
   * (events may have been missed: re-read state), and "tick" every `tickMs` when given.
   */
  async *events(
    signal: AbortSignal | undefined,
    opts: { tickMs?: number } = {},
  ): AsyncGenerator<LiveEvent | "reconnect" | "tick"> {
    await this.ensureListening();
    const merged = new EventEmitter();
    const forward = (e: LiveEvent) => merged.emit("e", e);
    const forwardReconnect = () => merged.emit("e", "reconnect");
    const tick = opts.tickMs ? setInterval(() => merged.emit("e", "tick"), opts.tickMs) : undefined;
    this.on("event", forward);
    this.on("reconnect", forwardReconnect);
    try {
      for await (const [e] of on(merged, "e", { signal })) yield e as LiveEvent | "reconnect" | "tick";
    } catch (err) {
      if ((err as Error).name !== "AbortError") throw err;
    } finally {
      clearInterval(tick);
      this.off("event", forward);
      this.off("reconnect", forwardReconnect);
    }
  }
}

const globalForLive = globalThis as unknown as { sluiceLiveHub?: LiveHub };

export function liveHub(): LiveHub {
  globalForLive.sluiceLiveHub ??= new LiveHub();
  globalForLive.sluiceLiveHub.setMaxListeners(0);
  return globalForLive.sluiceLiveHub;
}
