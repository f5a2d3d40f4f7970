import { expect, test } from "@playwright/test";
import { serveOnLoopback, trpcMutation } from "./helpers";
import { E2E } from "./settings";

test.use({ storageState: E2E.adminState });
test.setTimeout(120_000);

/** A webhook receiver on loopback, as a team's chat or pager endpoint would be. */
let receiver: Awaited<ReturnType<typeof serveOnLoopback>>;
const received: { body: Record<string, unknown> }[] = [];

test.beforeAll(async () => {
  receiver = await serveOnLoopback((req, res) => {
    let data = "";
    req.on("data", (c) => {
      data += c;
    });
    req.on("end", () => {
      received.push({ body: JSON.parse(data) });
      res.writeHead(200).end("ok");
    });
  }, "/hook");
});
test.afterAll(() => receiver.close());

test("an operator sees an alert fire, acknowledges it, and the webhook receives it", async ({ page }) => {
  const ruleName = `Backlog ${Date.now().toString(36)}`;
  await page.goto("/alerts");
  await expect(page.getByRole("heading", { name: "Alerts", level: 1 })).toBeVisible();

  // The admin adds a webhook and a rule: any waiting job, at once.
  const hookName = `receiver ${Date.now().toString(36)}`;
  const hookForm = page.getByRole("form", { name: "New webhook" });
  await hookForm.getByLabel("Webhook name").fill(hookName);
  await hookForm.getByLabel("URL").fill(receiver.url);
  await hookForm.getByRole("button", { name: "Add webhook" }).click();
  await expect(page.getByRole("table", { name: "Webhooks" }).getByText(receiver.url)).toBeVisible();

  await page.getByRole("button", { name: "New rule" }).click();
  const ruleForm = page.getByRole("form", { name: "New alert rule" });
  await ruleForm.getByLabel("Name").fill(ruleName);
  await ruleForm.getByLabel("When").selectOption("queue_depth");
  await ruleForm.getByLabel("More than (jobs)").fill("0");
  await ruleForm.getByLabel("For (minutes)").fill("0");
  await ruleForm.getByRole("button", { name: "Create rule" }).click();
  const rules = page.getByRole("table", { name: "Alert rules" });
  await expect(rules.getByText(ruleName)).toBeVisible();
  await expect(rules.getByText("waiting jobs above 0 for 0 min")).toBeVisible();

  // More work than the worker's 4 slots: some of it waits.
  for (let i = 0; i < 7; i++)
    await trpcMutation(page.request, "jobs.ping", { priority: "background", holdMs: 20_000 });

  // The scheduled evaluation runs each minute; "Evaluate now" does not wait for it.
  // (The minute's own evaluation may beat the click to it: either way the alert fires once.)
  await page.getByRole("button", { name: "Evaluate now" }).click();
  await expect(page.getByText(/^Evaluated: [01] fired/)).toBeVisible();

  const badge = page.getByTestId("alert-badge");
  await expect(badge).toHaveText(/1/);
  const open = page.getByRole("table", { name: "Open alerts" });
  const row = open.getByRole("row").filter({ hasText: ruleName });
  await expect(row).toContainText("firing");
  await expect(row).toContainText(/\d+ waiting jobs \(threshold 0\)/);
  await page.screenshot({ path: "/tmp/metrics-alert-firing.png", fullPage: true });

  await row.getByRole("button", { name: `Acknowledge ${ruleName}` }).click();
  await expect(row).toContainText("acknowledged");
  await expect(row).toContainText(E2E.admin.email);

  // The receiver got one POST for the firing, in the generic JSON shape.
  await expect.poll(() => received.length, { timeout: 30_000 }).toBe(1);
  expect(received[0]!.body).toMatchObject({
    event: "firing",
    source: "sluice",
    alert: { rule: { name: ruleName, kind: "queue_depth" }, resolvedAt: null },
  });
  const deliveries = page.getByRole("table", { name: "Webhook deliveries" });
  await expect(deliveries.getByRole("row").filter({ hasText: `${ruleName} · firing` })).toContainText(
    "delivered",
  );
  await page.screenshot({ path: "/tmp/metrics-alert-acknowledged.png", fullPage: true });

  // Leave the shared test server quiet: switch the rule off, remove the webhook.
  await rules.getByRole("button", { name: `Disable ${ruleName}` }).click();
  await expect(rules.getByRole("row").filter({ hasText: ruleName })).toContainText("off");
  await page.getByRole("button", { name: `Delete webhook ${hookName}` }).click();
  await expect(page.getByRole("table", { name: "Webhooks" }).getByText(hookName)).toHaveCount(0);
});
