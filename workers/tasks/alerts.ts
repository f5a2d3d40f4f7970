import { evaluateAlerts } from "@/alerts/evaluate";
import { deliverWebhook } from "@/alerts/webhooks";
import { systemTask } from "../system-task";

export const alertsEvaluate = systemTask("alerts_evaluate", async () => {
  await evaluateAlerts();
});

export const webhookDeliver = systemTask("webhook_deliver", async (p, helpers) => {
  await deliverWebhook(p.deliveryId, helpers.job.attempts, helpers.job.max_attempts);
});
