import { expect, test } from "@playwright/test";
import { signInAsNewUser } from "./helpers";

test("an analyst uploads the sample, maps columns, watches it load and reads counts and rejects", async ({
  page,
}) => {
  await signInAsNewUser(page, "analyst", "uploader");

  await page.getByRole("link", { name: "Upload" }).click();
  await page.getByLabel("Dataset").selectOption("listings");
  await page.locator('input[type="file"]').setInputFiles("public/samples/listings.csv");

  // Headers are matched to columns before submit: "Website" by alias, "External ID" by name.
  await expect(page.getByLabel("Column for Website")).toHaveValue("domain");
  await expect(page.getByLabel("Column for External ID")).toHaveValue("external_id");
  // The preview marks the invalid rating, with the reason the worker will give.
  await expect(page.locator('[title*="above the maximum 5"]').first()).toBeVisible();
  await expect(page.getByTestId("upload-progress")).toHaveAttribute("value", /.+/);

  await page.getByRole("button", { name: "Start import" }).click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("job-status")).toHaveText(/succeeded/i, { timeout: 30_000 });
  await expect(page.getByTestId("count-rows")).toHaveText("61");
  await expect(page.getByTestId("count-valid")).toHaveText("55");
  await expect(page.getByTestId("count-rejected")).toHaveText("5");
  await expect(page.getByTestId("count-duplicates")).toHaveText("1");

  // The rejected rows say where and why.
  await page.getByRole("tab", { name: /Rejected rows/ }).click();
  const rating = page.getByRole("row").filter({ hasText: "7.5" });
  await expect(rating).toContainText("rating");
  await expect(rating).toContainText("max");
  await expect(rating).toContainText("6"); // line 6 of the file

  // And they download as CSV with reasons.
  const href = await page.getByRole("link", { name: /Download rejects/ }).getAttribute("href");
  const csv = await (await page.request.get(href ?? "")).text();
  expect(csv.split("\r\n")[0]).toContain("rejected_rules");
  expect(csv).toContain("above the maximum 5");
});

test("the same bytes uploaded again are recognised before submit", async ({ page }) => {
  await signInAsNewUser(page, "analyst", "repeat");
  await page.goto("/upload?dataset=domains");
  await page.locator('input[type="file"]').setInputFiles("public/samples/domains.csv");
  await page.getByRole("button", { name: "Start import" }).click();
  await expect(page.getByTestId("job-status")).toHaveText(/succeeded/i, { timeout: 30_000 });

  await page.goto("/upload?dataset=domains");
  await page.locator('input[type="file"]').setInputFiles("public/samples/domains.csv");
  await expect(page.getByTestId("duplicate-notice")).toContainText("domains.csv");
});
