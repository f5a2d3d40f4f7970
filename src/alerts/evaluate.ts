import { randomUUID } from "node:crypto";
import type pg from "pg";
import { pool } from "@/db/pool";
import { withTransaction } from "@/db/transaction";
import { publishLive } from "@/server/live";
import { observe } from "./conditions";
import type { RuleKind } from "./rules";
import { queueNotifications } from "./webhooks";

/** Lock key serialising evaluators (every worker's crontab, the web fallback, "evaluate now"). */
const EVALUATOR_LOCK = 7_345_112_001;

export interface EvaluationResult {
  /** False when another evaluator held the lock (or ran recently, with `ifIdleSeconds`): nothing was done. */
  ran: boolean;
  fired: string[];
  resolved: string[];
}

interface RuleRow {
  id: string;
  name: string;
  kind: RuleKind;
  params: unknown;
  pending_since: Date | null;
  created_at: Date;
  open_alert: string | null;
}

/**
 * Evaluates every enabled rule once and moves alerts between states: a rule whose condition has
 * held for its window fires (one open alert, one notification per webhook); an open alert whose
 * condition stopped holding resolves (one more notification). Nothing happens while the state
 * stays the same, so a condition that holds for hours notifies once. All of it is one transaction
 * under an advisory lock: two evaluators never both fire the same rule.
 *
 * `ifIdleSeconds`: skip when any evaluator ran within that many seconds (the web server's fallback,
 * for when no worker is alive to run the scheduled evaluation).
 */
export async function evaluateAlerts(opts: { ifIdleSeconds?: number } = {}): Promise<EvaluationResult> {
  return withTransaction(pool(), async (c) => {
    const { rows: lock } = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS ok", [
      EVALUATOR_LOCK,
    ]);
    if (!lock[0]?.ok) return { ran: false, fired: [], resolved: [] };
    if (opts.ifIdleSeconds !== undefined) {
      const { rows } = await c.query<{ recent: boolean }>(
        `SELECT COALESCE(max(last_evaluated_at) > now() - make_interval(secs => $1), false) AS recent
         FROM app.alert_rules`,
        [opts.ifIdleSeconds],
      );
      if (rows[0]?.recent) return { ran: false, fired: [], resolved: [] };
    }
    const { rows: rules } = await c.query<RuleRow>(
      `SELECT r.id, r.name, r.kind, r.params, r.pending_since, r.created_at,
              (SELECT a.id FROM app.alerts a WHERE a.rule_id = r.id AND a.resolved_at IS NULL) AS open_alert
       FROM app.alert_rules r WHERE r.enabled ORDER BY r.name`,
    );
    const fired: string[] = [];
    const resolved: string[] = [];
    for (const rule of rules) {
      const seen = await observeSafely(c, rule);
      const { rows: nowRow } = await c.query<{ now: Date }>("SELECT now() AS now");
      const now = nowRow[0]!.now;
      const pendingSince = seen.holds ? (rule.pending_since ?? now) : null;
      await c.query(
        "UPDATE app.alert_rules SET pending_since = $2, last_evaluated_at = now() WHERE id = $1",
        [rule.id, pendingSince],
      );
      const heldMinutes = pendingSince ? (now.getTime() - pendingSince.getTime()) / 60_000 : 0;
      if (seen.holds && !rule.open_alert && heldMinutes >= seen.forMinutes) {
        const id = randomUUID();
        await c.query("INSERT INTO app.alerts (id, rule_id, summary, details) VALUES ($1, $2, $3, $4)", [
          id,
          rule.id,
          seen.summary,
          JSON.stringify(seen.details),
        ]);
        await queueNotifications(c, id, "firing");
        await publishLive({ type: "alert", alertId: id, state: "firing" }, c);
        fired.push(id);
      } else if (!seen.holds && rule.open_alert) {
        await c.query(
          `UPDATE app.alerts SET resolved_at = now(), details = details || jsonb_build_object('resolvedWith', $2::jsonb)
           WHERE id = $1`,
          [rule.open_alert, JSON.stringify({ summary: seen.summary, ...seen.details })],
        );
        await queueNotifications(c, rule.open_alert, "resolved");
        await publishLive({ type: "alert", alertId: rule.open_alert, state: "resolved" }, c);
        resolved.push(rule.open_alert);
      }
    }
    return { ran: true, fired, resolved };
  });
}

/** A rule whose check throws (e.g. a table it reads is missing) neither fires nor stops the others. */
async function observeSafely(c: pg.PoolClient, rule: RuleRow) {
  await c.query("SAVEPOINT rule_check");
  try {
    const seen = await observe(c, { kind: rule.kind, params: rule.params, createdAt: rule.created_at });
    await c.query("RELEASE SAVEPOINT rule_check");
    return seen;
  } catch (err) {
    await c.query("ROLLBACK TO SAVEPOINT rule_check");
    console.error(`[alerts] rule "${rule.name}" could not be checked: ${(err as Error).message}`);
    // Keep the current state: an open alert stays open rather than resolving on a read error.
    return {
      holds: rule.open_alert !== null,
      summary: "",
      details: {},
      forMinutes: Number.POSITIVE_INFINITY,
    };
  }
}
