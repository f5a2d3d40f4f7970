import { tracked } from "@trpc/server";
import { z } from "zod";
import { acknowledgeAlert, alertListInput, listAlerts, openAlertCounts } from "@/alerts/alerts";
import { evaluateAlerts } from "@/alerts/evaluate";
import { createRule, deleteRule, listRules, ruleInputSchema, updateRule } from "@/alerts/rules";
import {
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  saveWebhook,
  webhookInputSchema,
} from "@/alerts/webhooks";
import { recordAudit } from "@/audit/audit";
import { liveHub } from "@/server/live";
import { adminProcedure, createTRPCRouter, operatorProcedure } from "../trpc";

export const alertsRouter = createTRPCRouter({
  list: operatorProcedure.input(alertListInput).query(({ input }) => listAlerts(input)),
  counts: operatorProcedure.query(() => openAlertCounts()),
  /** Open-alert counts for the console badge: on every alert event, and every 15 s. */
  countsLive: operatorProcedure.subscription(async function* ({ signal }) {
    const events = liveHub().events(signal, { tickMs: 15_000 });
    let seq = 0;
    yield tracked(String(++seq), await openAlertCounts());
    for await (const e of events) {
      if (typeof e === "object" && e.type !== "alert") continue;
      yield tracked(String(++seq), await openAlertCounts());
    }
  }),
  acknowledge: operatorProcedure
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => acknowledgeAlert(input.id, ctx.actor)),
  /** Evaluates every rule now instead of at the next minute. */
  evaluateNow: operatorProcedure.mutation(async ({ ctx }) => {
    const result = await evaluateAlerts();
    await recordAudit(ctx.actor, "alerts.evaluate", null, {
      fired: result.fired.length,
      resolved: result.resolved.length,
    });
    return result;
  }),

  rules: operatorProcedure.query(() => listRules()),
  createRule: adminProcedure
    .input(ruleInputSchema)
    .mutation(({ ctx, input }) => createRule(input, ctx.actor)),
  updateRule: adminProcedure
    .input(z.object({ id: z.uuid(), rule: ruleInputSchema }))
    .mutation(({ ctx, input }) => updateRule(input.id, input.rule, ctx.actor)),
  deleteRule: adminProcedure
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => deleteRule(input.id, ctx.actor)),

  webhooks: adminProcedure.query(() => listWebhooks()),
  saveWebhook: adminProcedure
    .input(z.object({ id: z.uuid().nullable().default(null), webhook: webhookInputSchema }))
    .mutation(({ ctx, input }) => saveWebhook(input.id, input.webhook, ctx.actor)),
  deleteWebhook: adminProcedure
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => deleteWebhook(input.id, ctx.actor)),
  deliveries: operatorProcedure.query(() => listDeliveries(50)),
});
