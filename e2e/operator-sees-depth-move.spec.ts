import { expect, test } from "@playwright/test";
import { trpcMutation } from "./helpers";
import { E2E } from "./settings";

test.use({ storageState: E2E.adminState });

const count = async (text: Promise<string | null>) => Number((await text)?.replace(/[^0-9]/g, "") || "0");

test("the queue's depth moves live as 10k small jobs run, and the forecast says when it empties", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto("/queue");
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  const waiting = page.getByTestId("depth-background-waiting");
  await expect(waiting).toHaveText("0");

  const added = await trpcMutation<{ count: number }>(page.request, "jobs.pingMany", {
    count: 10_000,
    priority: "background",
  });
  expect(added.count).toBe(10_000);

  // No reload from here on: the numbers arrive over the stream.
  await expect.poll(() => count(waiting.textContent()), { timeout: 10_000 }).toBeGreaterThan(1_000);
  const first = await count(waiting.textContent());
  await expect.poll(() => count(waiting.textContent()), { timeout: 30_000 }).toBeLessThan(first);
  await expect(page.getByTestId("forecast-background")).toHaveText(/empty in|growing|not draining/, {
    timeout: 15_000,
  });
  await page.screenshot({ path: "/tmp/operator-depth-moving.png", fullPage: true });
  await expect(waiting).toHaveText("0", { timeout: 200_000 });
  await expect(page.getByTestId("depth-background-running")).toHaveText("0", { timeout: 10_000 });

  // The Jobs page finds them by task and state, newest first, page by page.
  await page.goto("/jobs?task=ping&state=succeeded");
  await expect(page.getByText(/Showing 50 jobs/)).toBeVisible();
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(page.getByText(/Showing 100 jobs/)).toBeVisible();
  await page.screenshot({ path: "/tmp/operator-jobs.png", fullPage: true });
});
