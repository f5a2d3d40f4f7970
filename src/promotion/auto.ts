import { SYSTEM } from "@/auth/actor";
import { parseDefinition } from "@/datasets/registry";
import { db } from "@/db/prisma";
import { AppError } from "@/server/errors";
import { type PromotionResult, promoteBatch } from "./promote";

/**
 * Auto-promotion: a dataset that opts in (`"promotion": {"auto": true}`) has each batch whose
 * quality report passes its gate promoted by itself, by the system actor, through the same
 * `promoteBatch` an admin's click calls (same lock, history and audit, so it reverts the same way).
 * The quality_report task queues the `auto_promote` task; this decides again when it runs, since
 * the definition or the batch may have changed in between.
 */
export type AutoPromotion = { promoted: true; result: PromotionResult } | { promoted: false; reason: string };

/** Whether the batch's dataset opts in and its stored quality report passed. */
export async function qualifiesForAutoPromotion(batchId: string): Promise<{ ok: boolean; reason: string }> {
  const batch = await db().batch.findUnique({
    where: { id: batchId },
    include: { dataset: true, qualityReport: { select: { passed: true, overall: true, minScore: true } } },
  });
  if (!batch) return { ok: false, reason: `no batch ${batchId}` };
  const def = parseDefinition(batch.dataset.definition);
  if (!def.promotion?.auto)
    return { ok: false, reason: `dataset ${def.name} does not promote automatically` };
  if (batch.status !== "staged") return { ok: false, reason: `the batch is ${batch.status}` };
  const report = batch.qualityReport;
  if (!report) return { ok: false, reason: "the quality report is not computed yet" };
  if (!report.passed) {
    return {
      ok: false,
      reason: `the quality gate failed (score ${report.overall} below ${report.minScore})`,
    };
  }
  return { ok: true, reason: `quality ${report.overall} passes the gate of ${report.minScore}` };
}

export async function autoPromoteBatch(batchId: string): Promise<AutoPromotion> {
  const check = await qualifiesForAutoPromotion(batchId);
  if (!check.ok) return { promoted: false, reason: check.reason };
  try {
    return { promoted: true, result: await promoteBatch(batchId, SYSTEM, { auto: true }) };
  } catch (err) {
    // Promoted meanwhile (an admin was quicker): nothing left to do, and nothing to retry.
    if (err instanceof AppError && err.code === "CONFLICT") return { promoted: false, reason: err.message };
    throw err;
  }
}
