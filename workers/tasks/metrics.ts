import { pool } from "@/db/pool";
import { rollUpMetrics, sampleMetrics } from "@/metrics/samples";
import { systemTask } from "../system-task";

export const metricsSample = systemTask("metrics_sample", async () => {
  await sampleMetrics(pool());
});

export const metricsRollup = systemTask("metrics_rollup", async () => {
  await rollUpMetrics(pool());
});
