import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { writeListingsCsv } from "../scripts/bench/listings-file";
import { E2E } from "./settings";

test.use({ storageState: E2E.adminState });
test.setTimeout(180_000);

test("a 1M-row file uploads in the browser with live progress to the end", async ({ page }) => {
  const file = path.join(tmpdir(), "sluice-e2e-1m.csv");
  if (!existsSync(file)) await writeListingsCsv(file, 1_000_000);

  await page.goto("/upload?dataset=listings");
  await page.locator('input[type="file"]').setInputFiles(file);
  await expect(page.getByLabel("Column for external_id")).toHaveValue("external_id");
  // The bytes stream up while columns are mapped; the bar reaches the end.
  await expect(page.getByTestId("upload-progress")).toHaveAttribute("value", /^(100|1)$/, {
    timeout: 60_000,
  });
  await page.getByRole("button", { name: "Start import" }).click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);

  // Progress moves without a reload: values strictly between start and end are seen on the way.
  const progress = page.getByTestId("job-progress");
  const status = page.getByTestId("job-status");
  const seen = new Set<number>();
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && !/succeeded|failed/i.test((await status.textContent()) ?? "")) {
    const value = Number(await progress.getAttribute("value").catch(() => null));
    if (value > 0 && value < 100) seen.add(value);
    await page.waitForTimeout(200);
  }
  await expect(status).toHaveText(/succeeded/i);
  expect(seen.size, `intermediate progress values seen: ${[...seen].join(", ")}`).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId("count-rows")).toHaveText(/^1,?000,?000$/);
  await expect(page.getByTestId("count-valid")).toHaveText(/^1,?000,?000$/);
});
