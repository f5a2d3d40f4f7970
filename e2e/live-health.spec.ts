import { expect, test } from "@playwright/test";
import { E2E } from "./settings";

test.use({ storageState: E2E.adminState });

test("the overview shows live health streamed from the server", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("live-status")).toHaveText(/live/);
  await expect(page.getByTestId("workers-alive")).toHaveText("1");
  // Snapshots keep arriving over the stream without a reload.
  const first = await page.getByText(/^Last update/).textContent();
  await expect(page.getByText(/^Last update/)).not.toHaveText(first ?? "", { timeout: 15_000 });
  await page.screenshot({ path: "/tmp/overview-live.png", fullPage: true });
});
