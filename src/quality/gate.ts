import type pg from "pg";
import { recordAudit } from "@/audit/audit";
import type { Actor } from "@/auth/actor";
import { AppError } from "@/server/errors";
import type { Gate } from "./scores";

/**
 * The quality gate at promotion time: a batch whose stored report fails its dataset's minimums
 * (or has no report yet) is not promoted unless an admin person or admin API key gives a written
 * reason. The override is audited in the promotion's own transaction and kept on the promotion.
 */
export const OVERRIDE_REASON_MIN = 10;

export interface GateDecision {
  qualityScore: number | null;
  /** Set when the gate failed and an admin overrode it. */
  overrideReason: string | null;
}

const describeFailures = (g: Gate) =>
  g.failures.map((f) => `${f.score} ${f.value ?? "n/a"} < ${f.min}`).join("; ");

export async function checkPromotionGate(
  client: pg.ClientBase,
  batchId: string,
  actor: Actor,
  overrideReason: string | undefined,
): Promise<GateDecision> {
  const { rows } = await client.query<{ overall: number; passed: boolean; gate: Gate }>(
    "SELECT overall, passed, gate FROM app.quality_reports WHERE batch_id = $1",
    [batchId],
  );
  const report = rows[0];
  if (report?.passed) return { qualityScore: report.overall, overrideReason: null };
  const problem = report
    ? `Batch ${batchId} fails its quality gate (${describeFailures(report.gate) || `overall ${report.overall}`})`
    : `The quality report of batch ${batchId} is not computed yet, so its quality gate cannot be judged; wait a moment`;
  const reason = overrideReason?.trim();
  if (!reason) {
    throw new AppError(
      "CONFLICT",
      `${problem}. An admin may promote it anyway with a written override reason (overrideReason, ${OVERRIDE_REASON_MIN}+ characters).`,
    );
  }
  if (actor.kind === "system" || actor.role !== "admin") {
    throw new AppError("FORBIDDEN", `${problem}. Only an admin may override the quality gate.`);
  }
  if (reason.length < OVERRIDE_REASON_MIN) {
    throw new AppError(
      "BAD_REQUEST",
      `overrideReason: write why this batch may go to production anyway (${OVERRIDE_REASON_MIN}+ characters)`,
    );
  }
  await recordAudit(
    actor,
    "quality.gate_override",
    { type: "batch", id: batchId },
    { reason, overall: report?.overall ?? null, failures: report?.gate.failures ?? "no report" },
    client,
  );
  return { qualityScore: report?.overall ?? null, overrideReason: reason };
}
