import { tracked } from "@trpc/server";
import { z } from "zod";
import { metricRangeSchema, metricSeries } from "@/metrics/series";
import { healthSummary, sharedSummary } from "@/metrics/summary";
import { liveHub } from "@/server/live";
import { analystProcedure, createTRPCRouter, operatorProcedure } from "../trpc";

/** How often live charts get a fresh series: samples are written once a minute. */
const SERIES_INTERVAL_MS = 15_000;
const SUMMARY_INTERVAL_MS = 10_000;

export const metricsRouter = createTRPCRouter({
  summary: analystProcedure.query(() => healthSummary()),
  series: operatorProcedure
    .input(z.object({ range: metricRangeSchema }))
    .query(({ input }) => metricSeries(input.range)),
  /** The health-at-a-glance cards, live: on job and alert events (at most every 2 s) and every 10 s. */
  summaryLive: analystProcedure.subscription(async function* ({ signal }) {
    const events = liveHub().events(signal, { tickMs: SUMMARY_INTERVAL_MS });
    let seq = 0;
    let last = Date.now();
    yield tracked(String(++seq), await sharedSummary());
    for await (const e of events) {
      if (typeof e === "object" && e.type === "worker" && e.state === "heartbeat") continue;
      if (Date.now() - last < 2_000) continue;
      last = Date.now();
      yield tracked(String(++seq), await sharedSummary());
    }
  }),
  /** A chart range's series, re-sent every 15 s (new minute samples arrive once a minute). */
  seriesLive: operatorProcedure.input(z.object({ range: metricRangeSchema })).subscription(async function* ({
    input,
    signal,
  }) {
    let seq = 0;
    yield tracked(String(++seq), await metricSeries(input.range));
    for await (const e of liveHub().events(signal, { tickMs: SERIES_INTERVAL_MS })) {
      if (e !== "tick" && e !== "reconnect") continue;
      yield tracked(String(++seq), await metricSeries(input.range));
    }
  }),
});
