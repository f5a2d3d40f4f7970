import { expect, test } from "@playwright/test";
import { trpcMutation } from "./helpers";
import { E2E } from "./settings";

test.use({ storageState: E2E.adminState });

test("kill -9 the worker running a job: it is marked dead and the job runs again within a minute", async ({
  page,
}) => {
  test.setTimeout(150_000);
  const job = await trpcMutation<{ id: string }>(page.request, "jobs.ping", { holdMs: 6_000 });
  await page.goto("/queue");
  // The fleet row of the worker that runs it, found by the job link in "Running now".
  const row = page
    .getByRole("table", { name: "Workers" })
    .getByRole("row")
    .filter({ has: page.locator(`a[href="/jobs/${job.id}"]`) });
  await expect(row).toBeVisible({ timeout: 20_000 });
  const pid = Number((await row.textContent())?.match(/pid (\d+)/)?.[1]);
  expect(pid).toBeGreaterThan(0);
  process.kill(pid, "SIGKILL");
  const killedAt = Date.now();

  // `npm start` replaces the dead worker; the replacement finds the old one's heartbeat stale,
  // marks it dead and unlocks its job, which then runs to the end.
  await page.goto(`/jobs/${job.id}`);
  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 60_000 });
  expect(Date.now() - killedAt).toBeLessThan(60_000);
  await expect(page.getByRole("heading", { name: /Attempts/ })).toBeVisible();
  await page.screenshot({ path: "/tmp/operator-job-after-kill.png", fullPage: true });

  await page.goto("/queue");
  const dead = page
    .getByRole("table", { name: "Workers" })
    .getByRole("row")
    .filter({ hasText: `pid ${pid}` });
  await expect(dead).toContainText("dead (heartbeat lost)");
  await page.screenshot({ path: "/tmp/operator-fleet-dead.png", fullPage: true });
});
