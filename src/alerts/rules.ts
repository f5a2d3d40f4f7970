import { randomUUID } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/audit/audit";
import { type Actor, actorLabel } from "@/auth/actor";
import { pool } from "@/db/pool";
import { withTransaction } from "@/db/transaction";
import type { Prisma } from "@/generated/prisma/client";
import { PRIORITIES } from "@/queue/priorities";
import { AppError } from "@/server/errors";

const minutes = (max: number) => z.number().min(0).max(max);

/** Each kind of rule and its parameters; one schema per kind, shared by both doors and the UI. */
export const ruleParamsByKind = {
  /** Jobs in the given states (default: waiting) above `threshold` for `forMinutes`. */
  queue_depth: z.object({
    threshold: z.number().int().min(0),
    forMinutes: minutes(1440).default(5),
    priority: z.enum(PRIORITIES).optional(),
    states: z
      .array(z.enum(["waiting", "scheduled", "running", "retrying", "failed"]))
      .min(1)
      .default(["waiting"]),
  }),
  /** Failed / finished jobs above `percent` over the last `windowMinutes`, once `minJobs` finished. */
  failure_rate: z.object({
    percent: z.number().min(0).max(100),
    windowMinutes: z.number().int().min(1).max(1440).default(15),
    minJobs: z.number().int().min(1).default(5),
  }),
  /** A job running longer than `minutes`. */
  long_running: z.object({ minutes: z.number().min(0).max(10_080) }),
  /** No worker process heartbeating for `forMinutes`. */
  no_worker: z.object({ forMinutes: minutes(1440).default(1) }),
  /** The latest quality report of a dataset (or of any, when none is named) below its threshold. */
  quality_below: z.object({ dataset: z.string().min(1).optional() }),
  /** No successful backup for `maxAgeHours`. */
  backup_missed: z.object({
    maxAgeHours: z
      .number()
      .min(1)
      .max(24 * 90)
      .default(26),
  }),
} as const;

export type RuleKind = keyof typeof ruleParamsByKind;
export const RULE_KINDS = Object.keys(ruleParamsByKind) as RuleKind[];
export type RuleParams<K extends RuleKind> = z.infer<(typeof ruleParamsByKind)[K]>;

export const ruleInputSchema = z
  .object({
    name: z.string().trim().min(1, "Give the rule a name").max(120),
    kind: z.enum(RULE_KINDS as [RuleKind, ...RuleKind[]]),
    params: z.record(z.string(), z.unknown()).default({}),
    enabled: z.boolean().default(true),
  })
  .transform((input, ctx) => {
    const parsed = ruleParamsByKind[input.kind].safeParse(input.params);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({
          code: "custom",
          path: ["params", ...issue.path.map(String)],
          message: `params.${issue.path.join(".")}: ${issue.message}`,
        });
      }
      return z.NEVER;
    }
    return { ...input, params: parsed.data as Record<string, unknown> };
  });
export type RuleInput = z.input<typeof ruleInputSchema>;

export interface AlertRuleView {
  id: string;
  name: string;
  kind: RuleKind;
  params: Record<string, unknown>;
  /** The rule in words. */
  condition: string;
  enabled: boolean;
  pendingSince: string | null;
  lastEvaluatedAt: string | null;
  createdBy: string;
  createdAt: string;
  open: boolean;
}

/** A rule in words, for lists and notifications. */
export function describeRule(kind: RuleKind, p: Record<string, unknown>): string {
  switch (kind) {
    case "queue_depth":
      return `${(p.states as string[] | undefined)?.join("/") ?? "waiting"} jobs${p.priority ? ` at ${p.priority} priority` : ""} above ${p.threshold} for ${p.forMinutes} min`;
    case "failure_rate":
      return `failure rate above ${p.percent} % over ${p.windowMinutes} min (at least ${p.minJobs} jobs)`;
    case "long_running":
      return `a job running longer than ${p.minutes} min`;
    case "no_worker":
      return `no worker alive for ${p.forMinutes} min`;
    case "quality_below":
      return `latest quality report of ${p.dataset ?? "any dataset"} below its threshold`;
    case "backup_missed":
      return `no successful backup for ${p.maxAgeHours} h`;
  }
}

interface RuleRow {
  id: string;
  name: string;
  kind: RuleKind;
  params: Record<string, unknown>;
  enabled: boolean;
  pending_since: Date | null;
  last_evaluated_at: Date | null;
  created_by: string;
  created_at: Date;
  open: boolean;
}

const toView = (r: RuleRow): AlertRuleView => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  params: r.params,
  condition: describeRule(r.kind, r.params),
  enabled: r.enabled,
  pendingSince: r.pending_since?.toISOString() ?? null,
  lastEvaluatedAt: r.last_evaluated_at?.toISOString() ?? null,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  open: r.open,
});

export async function listRules(): Promise<AlertRuleView[]> {
  const { rows } = await pool().query<RuleRow>(
    `SELECT r.*, EXISTS (SELECT 1 FROM app.alerts a WHERE a.rule_id = r.id AND a.resolved_at IS NULL) AS open
     FROM app.alert_rules r ORDER BY r.name`,
  );
  return rows.map(toView);
}

const uniqueName = (err: unknown, name: string) => {
  if ((err as { code?: string }).code === "23505") {
    return new AppError("CONFLICT", `A rule named "${name}" exists already; pick another name`);
  }
  return err;
};

export async function createRule(input: RuleInput, actor: Actor): Promise<AlertRuleView> {
  const rule = ruleInputSchema.parse(input);
  return withTransaction(pool(), async (c) => {
    const id = randomUUID();
    const { rows } = await c
      .query<RuleRow>(
        `INSERT INTO app.alert_rules (id, name, kind, params, enabled, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *, false AS open`,
        [id, rule.name, rule.kind, JSON.stringify(rule.params), rule.enabled, actorLabel(actor)],
      )
      .catch((err) => {
        throw uniqueName(err, rule.name);
      });
    await recordAudit(
      actor,
      "alert_rule.create",
      { type: "alert_rule", id },
      rule as Prisma.InputJsonValue,
      c,
    );
    return toView(rows[0]!);
  });
}

/** Replaces a rule's name, kind, parameters and switch; a changed condition starts its window over. */
export async function updateRule(id: string, input: RuleInput, actor: Actor): Promise<AlertRuleView> {
  const rule = ruleInputSchema.parse(input);
  return withTransaction(pool(), async (c) => {
    const { rows } = await c
      .query<RuleRow>(
        `UPDATE app.alert_rules SET name = $2, kind = $3, params = $4, enabled = $5, pending_since = NULL,
           updated_at = now() WHERE id = $1
         RETURNING *, EXISTS (SELECT 1 FROM app.alerts a WHERE a.rule_id = id AND a.resolved_at IS NULL) AS open`,
        [id, rule.name, rule.kind, JSON.stringify(rule.params), rule.enabled],
      )
      .catch((err) => {
        throw uniqueName(err, rule.name);
      });
    if (!rows[0]) throw new AppError("NOT_FOUND", `No alert rule ${id}`);
    await recordAudit(
      actor,
      "alert_rule.update",
      { type: "alert_rule", id },
      rule as Prisma.InputJsonValue,
      c,
    );
    return toView(rows[0]);
  });
}

export async function deleteRule(id: string, actor: Actor): Promise<void> {
  await withTransaction(pool(), async (c) => {
    const { rows } = await c.query<{ name: string }>(
      "DELETE FROM app.alert_rules WHERE id = $1 RETURNING name",
      [id],
    );
    if (!rows[0]) throw new AppError("NOT_FOUND", `No alert rule ${id}`);
    await recordAudit(actor, "alert_rule.delete", { type: "alert_rule", id }, { name: rows[0].name }, c);
  });
}
