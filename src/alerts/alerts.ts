import { z } from "zod";
import { recordAudit } from "@/audit/audit";
import { type Actor, actorLabel } from "@/auth/actor";
import { pool } from "@/db/pool";
import { withTransaction } from "@/db/transaction";
import { AppError } from "@/server/errors";
import { publishLive } from "@/server/live";
import { describeRule, type RuleKind } from "./rules";

export const alertListInput = z.object({
  state: z.enum(["open", "all"]).default("open"),
  limit: z.number().int().min(1).max(500).default(100),
});

export interface AlertView {
  id: string;
  ruleId: string;
  rule: string;
  kind: RuleKind;
  condition: string;
  summary: string;
  details: Record<string, unknown>;
  firedAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

export async function listAlerts(input: z.input<typeof alertListInput>): Promise<AlertView[]> {
  const { state, limit } = alertListInput.parse(input);
  const { rows } = await pool().query(
    `SELECT a.*, r.name AS rule, r.kind, r.params FROM app.alerts a JOIN app.alert_rules r ON r.id = a.rule_id
     WHERE $1 = 'all' OR a.resolved_at IS NULL
     ORDER BY a.resolved_at IS NOT NULL, a.fired_at DESC LIMIT $2`,
    [state, limit],
  );
  return rows.map((a) => ({
    id: a.id,
    ruleId: a.rule_id,
    rule: a.rule,
    kind: a.kind,
    condition: describeRule(a.kind, a.params),
    summary: a.summary,
    details: a.details,
    firedAt: a.fired_at.toISOString(),
    resolvedAt: a.resolved_at?.toISOString() ?? null,
    acknowledgedAt: a.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: a.acknowledged_by,
  }));
}

/** Open alerts, and how many of them nobody has acknowledged yet (the console badge). */
export async function openAlertCounts(): Promise<{ open: number; unacknowledged: number }> {
  const { rows } = await pool().query<{ open: number; unacknowledged: number }>(
    `SELECT count(*)::int AS open, count(*) FILTER (WHERE acknowledged_at IS NULL)::int AS unacknowledged
     FROM app.alerts WHERE resolved_at IS NULL`,
  );
  return rows[0]!;
}

/** Marks an alert as seen by someone; it stays open until its condition clears. */
export async function acknowledgeAlert(id: string, actor: Actor): Promise<void> {
  await withTransaction(pool(), async (c) => {
    const { rows } = await c.query<{ acknowledged_at: Date | null }>(
      "SELECT acknowledged_at FROM app.alerts WHERE id = $1 FOR UPDATE",
      [id],
    );
    if (!rows[0]) throw new AppError("NOT_FOUND", `No alert ${id}`);
    if (rows[0].acknowledged_at) throw new AppError("CONFLICT", "This alert is acknowledged already");
    await c.query("UPDATE app.alerts SET acknowledged_at = now(), acknowledged_by = $2 WHERE id = $1", [
      id,
      actorLabel(actor),
    ]);
    await recordAudit(actor, "alert.acknowledge", { type: "alert", id }, undefined, c);
    await publishLive({ type: "alert", alertId: id, state: "acknowledged" }, c);
  });
}
