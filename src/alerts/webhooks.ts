import { randomUUID } from "node:crypto";
import type pg from "pg";
import { z } from "zod";
import { recordAudit } from "@/audit/audit";
import { type Actor, actorLabel } from "@/auth/actor";
import { pool } from "@/db/pool";
import { withTransaction } from "@/db/transaction";
import { HOUSEKEEPING_PRIORITY } from "@/metrics/samples";
import { AppError } from "@/server/errors";
import { describeRule, type RuleKind } from "./rules";

type Queryable = Pick<pg.ClientBase, "query">;

/** Attempts per delivery; Graphile Worker waits exp(attempt) seconds between them (3 s, 7 s, 20 s, 55 s, …). */
export const WEBHOOK_MAX_ATTEMPTS = 8;
const WEBHOOK_TIMEOUT_MS = 10_000;

export const webhookInputSchema = z.object({
  name: z.string().trim().min(1, "Give the webhook a name").max(120),
  url: z.url({ protocol: /^https?$/, error: "Use an http:// or https:// URL" }).max(2000),
  format: z.enum(["json", "slack"]).default("json"),
  enabled: z.boolean().default(true),
});
export type WebhookInput = z.input<typeof webhookInputSchema>;

export interface WebhookView {
  id: string;
  name: string;
  url: string;
  format: "json" | "slack";
  enabled: boolean;
  createdBy: string;
  createdAt: string;
}

interface WebhookRow {
  id: string;
  name: string;
  url: string;
  format: "json" | "slack";
  enabled: boolean;
  created_by: string;
  created_at: Date;
}

const toView = (w: WebhookRow): WebhookView => ({
  id: w.id,
  name: w.name,
  url: w.url,
  format: w.format,
  enabled: w.enabled,
  createdBy: w.created_by,
  createdAt: w.created_at.toISOString(),
});

export async function listWebhooks(): Promise<WebhookView[]> {
  const { rows } = await pool().query<WebhookRow>("SELECT * FROM app.alert_webhooks ORDER BY name");
  return rows.map(toView);
}

const uniqueName = (err: unknown, name: string) =>
  (err as { code?: string }).code === "23505"
    ? new AppError("CONFLICT", `A webhook named "${name}" exists already; pick another name`)
    : err;

export async function saveWebhook(
  id: string | null,
  input: WebhookInput,
  actor: Actor,
): Promise<WebhookView> {
  const w = webhookInputSchema.parse(input);
  return withTransaction(pool(), async (c) => {
    const { rows } = await c
      .query<WebhookRow>(
        id
          ? `UPDATE app.alert_webhooks SET name = $2, url = $3, format = $4, enabled = $5, updated_at = now()
             WHERE id = $1 RETURNING *`
          : `INSERT INTO app.alert_webhooks (id, name, url, format, enabled, created_by)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        id
          ? [id, w.name, w.url, w.format, w.enabled]
          : [randomUUID(), w.name, w.url, w.format, w.enabled, actorLabel(actor)],
      )
      .catch((err) => {
        throw uniqueName(err, w.name);
      });
    if (!rows[0]) throw new AppError("NOT_FOUND", `No webhook ${id}`);
    await recordAudit(
      actor,
      id ? "alert_webhook.update" : "alert_webhook.create",
      {
        type: "alert_webhook",
        id: rows[0].id,
      },
      w,
      c,
    );
    return toView(rows[0]);
  });
}

export async function deleteWebhook(id: string, actor: Actor): Promise<void> {
  await withTransaction(pool(), async (c) => {
    const { rows } = await c.query<{ name: string }>(
      "DELETE FROM app.alert_webhooks WHERE id = $1 RETURNING name",
      [id],
    );
    if (!rows[0]) throw new AppError("NOT_FOUND", `No webhook ${id}`);
    await recordAudit(
      actor,
      "alert_webhook.delete",
      { type: "alert_webhook", id },
      { name: rows[0].name },
      c,
    );
  });
}

interface AlertForMessage {
  id: string;
  summary: string;
  details: Record<string, unknown>;
  fired_at: Date;
  resolved_at: Date | null;
  rule_id: string;
  rule_name: string;
  kind: RuleKind;
  params: Record<string, unknown>;
}

/** The generic JSON body: everything a receiver needs to route and show the alert. */
export function jsonBody(a: AlertForMessage, event: "firing" | "resolved") {
  return {
    event,
    alert: {
      id: a.id,
      rule: { id: a.rule_id, name: a.rule_name, kind: a.kind, condition: describeRule(a.kind, a.params) },
      summary: a.summary,
      details: a.details,
      firedAt: a.fired_at.toISOString(),
      resolvedAt: a.resolved_at?.toISOString() ?? null,
    },
    source: "sluice",
  };
}

/** Slack's incoming-webhook shape: one line of text. */
export function slackBody(a: AlertForMessage, event: "firing" | "resolved") {
  return {
    text:
      event === "firing"
        ? `:rotating_light: [FIRING] ${a.rule_name}: ${a.summary}`
        : `:white_check_mark: [RESOLVED] ${a.rule_name} (fired ${a.fired_at.toISOString()})`,
  };
}

/**
 * In the evaluator's transaction: one delivery per enabled webhook for this alert event, each with
 * its own `webhook_deliver` job, so the notification exists exactly when the state change commits.
 */
export async function queueNotifications(c: Queryable, alertId: string, event: "firing" | "resolved") {
  const { rows } = await c.query<AlertForMessage>(
    `SELECT a.id, a.summary, a.details, a.fired_at, a.resolved_at, a.rule_id, r.name AS rule_name, r.kind, r.params
     FROM app.alerts a JOIN app.alert_rules r ON r.id = a.rule_id WHERE a.id = $1`,
    [alertId],
  );
  const alert = rows[0];
  if (!alert) return;
  const { rows: hooks } = await c.query<{ id: string; format: "json" | "slack" }>(
    "SELECT id, format FROM app.alert_webhooks WHERE enabled",
  );
  for (const h of hooks) {
    const id = randomUUID();
    const body = h.format === "slack" ? slackBody(alert, event) : jsonBody(alert, event);
    await c.query(
      "INSERT INTO app.webhook_deliveries (id, webhook_id, alert_id, event, body) VALUES ($1, $2, $3, $4, $5)",
      [id, h.id, alertId, event, JSON.stringify(body)],
    );
    await c.query(
      `SELECT graphile_worker.add_job('webhook_deliver', json_build_object('deliveryId', $1::text),
         max_attempts => $2::int, job_key => $3, priority => $4::int)`,
      [id, WEBHOOK_MAX_ATTEMPTS, `webhook:${id}`, HOUSEKEEPING_PRIORITY],
    );
  }
}

/**
 * One delivery attempt: POST the stored body. A 2xx marks it delivered; anything else records the
 * status or error and throws, so Graphile Worker retries with exponential backoff until the last
 * attempt, which marks the delivery failed.
 */
export async function deliverWebhook(
  deliveryId: string,
  attempt: number,
  maxAttempts: number,
): Promise<void> {
  const db = pool();
  const { rows } = await db.query<{ status: string; url: string; body: unknown; enabled: boolean }>(
    `SELECT d.status, w.url, d.body, w.enabled FROM app.webhook_deliveries d
     JOIN app.alert_webhooks w ON w.id = d.webhook_id WHERE d.id = $1`,
    [deliveryId],
  );
  const d = rows[0];
  if (!d || d.status === "delivered") return;
  let code: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(d.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Sluice-Alerts/1" },
      body: JSON.stringify(d.body),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      redirect: "manual",
    });
    code = res.status;
    await res.body?.cancel().catch(() => undefined);
    if (!res.ok) error = `HTTP ${res.status}`;
  } catch (err) {
    error =
      (err as Error).name === "TimeoutError"
        ? `No answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`
        : (err as Error).message;
  }
  const final = error !== null && attempt >= maxAttempts;
  await db.query(
    `UPDATE app.webhook_deliveries SET attempts = $2, last_status_code = $3, last_error = $4, last_attempt_at = now(),
       status = $5, delivered_at = CASE WHEN $5 = 'delivered' THEN now() END WHERE id = $1`,
    [deliveryId, attempt, code, error, error === null ? "delivered" : final ? "failed" : "pending"],
  );
  if (error !== null)
    throw new Error(`Webhook delivery ${deliveryId} attempt ${attempt}/${maxAttempts}: ${error}`);
}

export interface DeliveryView {
  id: string;
  webhook: string;
  alertId: string;
  rule: string;
  event: "firing" | "resolved";
  status: "pending" | "delivered" | "failed";
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

export async function listDeliveries(limit = 50): Promise<DeliveryView[]> {
  const { rows } = await pool().query(
    `SELECT d.*, w.name AS webhook, r.name AS rule FROM app.webhook_deliveries d
     JOIN app.alert_webhooks w ON w.id = d.webhook_id
     JOIN app.alerts a ON a.id = d.alert_id JOIN app.alert_rules r ON r.id = a.rule_id
     ORDER BY d.created_at DESC LIMIT $1`,
    [limit],
  );
  return rows.map((d) => ({
    id: d.id,
    webhook: d.webhook,
    alertId: d.alert_id,
    rule: d.rule,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.last_status_code,
    lastError: d.last_error,
    createdAt: d.created_at.toISOString(),
    lastAttemptAt: d.last_attempt_at?.toISOString() ?? null,
    deliveredAt: d.delivered_at?.toISOString() ?? null,
  }));
}
