import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { computeProductionCheck } from "@/quality/report";
import { sluiceTask } from "../sluice-task";

/**
 * `quality_production_check` ({} = every dataset, or {dataset}): profiles production.<dataset> and
 * stores a report of kind `production`, so a dataset's health shows even when nothing was uploaded.
 * One dataset failing does not stop the others; the task fails (and is retried) if any did.
 */
export const qualityProductionCheck = sluiceTask("quality_production_check", async (p, helpers) => {
  const names = p.dataset
    ? [p.dataset]
    : (await db().dataset.findMany({ select: { name: true }, orderBy: { name: "asc" } })).map((d) => d.name);
  const checked: { dataset: string; overall: number; passed: boolean }[] = [];
  const failed: string[] = [];
  for (const name of names) {
    try {
      const r = await computeProductionCheck(pool(), name);
      checked.push({ dataset: name, overall: r.overall, passed: r.passed });
    } catch (err) {
      helpers.logger.error(`quality_production_check: ${name}: ${(err as Error).message}`);
      failed.push(`${name}: ${(err as Error).message}`);
    }
  }
  if (failed.length) throw new Error(`Production check failed for ${failed.join("; ")}`);
  return { datasets: checked.length, failing: checked.filter((c) => !c.passed).map((c) => c.dataset) };
});
