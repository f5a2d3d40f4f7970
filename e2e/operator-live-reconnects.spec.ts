import { expect, test } from "@playwright/test";
import { trpcMutation } from "./operator-helpers";
import { E2E } from "./settings";

test.use({ storageState: E2E.adminState });

test("the queue page reconnects after losing its connection and catches up without a reload", async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  await page.goto("/queue");
  const indicator = page.getByText(/^(Live|Connecting…|Offline)$/);
  await expect(indicator).toHaveText("Live");
  const waiting = page.getByTestId("depth-emergency-waiting");
  await expect(waiting).toHaveText("0");
  // Held, so the depth stays put while the browser is away.
  await trpcMutation(page.request, "queue.pause", { target: { kind: "priority", name: "emergency" } });

  await context.setOffline(true);
  await expect(indicator).not.toHaveText("Live", { timeout: 45_000 });
  for (let i = 0; i < 5; i++) await trpcMutation(page.request, "jobs.ping", { priority: "emergency" });
  await page.waitForTimeout(1_500);
  await expect(waiting).toHaveText("0");

  await context.setOffline(false);
  await expect(indicator).toHaveText("Live", { timeout: 45_000 });
  await expect(waiting).toHaveText("5", { timeout: 10_000 });
  await expect(page.getByRole("row", { name: /Emergency/ })).toContainText("paused");
  await page.screenshot({ path: "/tmp/operator-reconnected.png", fullPage: true });

  await trpcMutation(page.request, "queue.resume", { target: { kind: "priority", name: "emergency" } });
  await expect(waiting).toHaveText("0", { timeout: 20_000 });
});
