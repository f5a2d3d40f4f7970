import { pool } from "@/db/pool";
import { recordMinute, rollUpMetrics } from "@/metrics/samples";
import { systemTask } from "../system-task";

export const metricsSample = systemTask("metrics_sample", async () => {
  await recordMinute(pool());
});

export const metricsRollup = systemTask("metrics_rollup", async () => {
  await rollUpMetrics(pool());
});
