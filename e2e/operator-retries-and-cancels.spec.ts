import { expect, test } from "@playwright/test";
import { trpcMutation } from "./helpers";
import { E2E } from "./settings";

test.use({ storageState: E2E.adminState });

test("an operator retries a failure group, pauses a queue, reschedules and cancels jobs from the UI", async ({
  page,
}) => {
  test.setTimeout(120_000);
  // Three failures of one broken upstream, differing only in numbers and ids.
  const failed: string[] = [];
  for (const n of [101, 202, 303]) {
    const job = await trpcMutation<{ id: string }>(page.request, "jobs.ping", {
      failWith: `Upstream api.example answered 502 for order ${n} (trace ${crypto.randomUUID()})`,
    });
    failed.push(job.id);
  }
  await page.goto("/jobs?state=failed");
  const groups = page.getByTestId("failure-groups");
  const row = groups.getByRole("row").filter({ hasText: "Upstream api.example answered <n> for order <n>" });
  await expect(row.getByRole("cell").nth(1)).toHaveText("3", { timeout: 20_000 });
  await page.screenshot({ path: "/tmp/operator-failure-groups.png", fullPage: true });
  await row.getByRole("button", { name: "Retry all" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Retry all" }).click();
  await expect(groups.getByRole("status")).toHaveText(/Retried 3 jobs/);

  // Each ran again (and failed again: the upstream is still broken): two attempts on its page.
  await page.goto(`/jobs/${failed[0]}`);
  await expect(page.getByRole("heading", { name: /Attempts/ })).toContainText("2 runs, 2 failed", {
    timeout: 20_000,
  });
  await expect(page.getByTestId("job-timeline")).toContainText("Failed ping");

  // Pause the background queue, so a job waits and can be rescheduled and cancelled.
  await page.goto("/queue");
  await page.getByRole("button", { name: "Pause priority background" }).click();
  await expect(page.getByRole("list", { name: "Paused queues and datasets" })).toContainText("background");
  // The pause answers once every worker has seen it (about a second); its button is then enabled again.
  await expect(page.getByRole("button", { name: "Resume priority background" }).first()).toBeEnabled();
  const waiting = await trpcMutation<{ id: string }>(page.request, "jobs.ping", { priority: "background" });
  await page.goto(`/jobs/${waiting.id}`);
  await expect(page.getByTestId("job-status")).toHaveText("queued");
  await page.getByRole("button", { name: "Reschedule" }).click();
  await page.getByLabel("Run it at (your local time)").fill("2030-01-01T09:30");
  await page.getByRole("dialog").getByRole("button", { name: "Reschedule" }).click();
  await expect(page.getByText("Scheduled for")).toBeVisible();
  await page.getByRole("button", { name: "Cancel job" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel job" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("cancelled");
  await page.screenshot({ path: "/tmp/operator-cancelled.png", fullPage: true });

  // A running job is asked to stop: it shows cancelled at once and never succeeds.
  await page.goto("/queue");
  await page.getByRole("button", { name: "Resume priority background" }).first().click();
  await expect(page.getByTestId("nothing-paused")).toBeVisible();
  const running = await trpcMutation<{ id: string }>(page.request, "jobs.ping", { holdMs: 8_000 });
  await page.goto(`/jobs/${running.id}`);
  await expect(page.getByTestId("job-status")).toHaveText("running", { timeout: 20_000 });
  await page.getByRole("button", { name: "Cancel job" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel job" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("cancelled");
  await page.waitForTimeout(9_000);
  await page.reload();
  await expect(page.getByTestId("job-status")).toHaveText("cancelled");

  // Every action is in the audit log.
  await page.goto("/audit");
  for (const action of ["job.retry_all", "queue.pause", "job.reschedule", "job.cancel", "queue.resume"]) {
    await expect(page.getByText(action).first()).toBeVisible();
  }
});
