import { expect, test } from "@playwright/test";
import { trpcMutation } from "./helpers";
import { E2E } from "./settings";

test.use({ storageState: E2E.adminState });
test.setTimeout(300_000);

test("the metrics page charts sampled depth, throughput, failure rate and latency", async ({ page }) => {
  // Some finished work for the throughput and latency charts.
  for (let i = 0; i < 12; i++) {
    await trpcMutation(page.request, "jobs.ping", {
      priority: i % 3 === 0 ? "high" : "standard",
      holdMs: 200 * i,
    });
  }

  await page.goto("/metrics");
  await expect(page.getByRole("heading", { name: "Metrics", level: 1 })).toBeVisible();
  await expect(page.getByTestId("card-workers")).toHaveText("1");

  // Workers sample once a minute; the charts appear with the first sample, live, without a reload.
  await expect(page.getByTestId("metric-charts")).toBeVisible({ timeout: 150_000 });
  for (const title of ["Queue depth by priority", "Throughput", "Failure rate", "Latency"]) {
    await expect(page.getByText(title, { exact: true })).toBeVisible();
  }
  await expect(page.locator(".recharts-wrapper")).toHaveCount(4);
  // More work now, so the next minute's sample has throughput and latency to show; the page
  // takes the new sample without a reload.
  for (let i = 0; i < 12; i++) {
    await trpcMutation(page.request, "jobs.ping", { priority: "standard", holdMs: 300 * i });
  }
  // Two samples need two minute boundaries after the page opened: up to two minutes and the
  // sampler's own delay on a busy machine.
  await expect
    .poll(async () => Number(await page.getByTestId("metric-charts").getAttribute("data-samples")), {
      timeout: 150_000,
    })
    .toBeGreaterThanOrEqual(2);
  await page.screenshot({ path: "/tmp/metrics-charts-hour.png", fullPage: true });

  await page.getByRole("tab", { name: "Last day" }).click();
  await expect(page.getByTestId("metric-charts")).toBeVisible();
  await page.screenshot({ path: "/tmp/metrics-charts-day.png", fullPage: true });

  // The overview carries the health cards.
  await page.goto("/");
  await expect(page.getByTestId("card-success-rate")).toHaveText(/%|—/);
  await expect(page.getByTestId("card-last-backup")).toBeVisible();
  await page.screenshot({ path: "/tmp/metrics-overview.png", fullPage: true });
});
