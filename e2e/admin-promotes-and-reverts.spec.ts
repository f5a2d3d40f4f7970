import { expect, test } from "@playwright/test";
import { apiKey, bearer, LISTINGS_HEADER, listing, productionChecksum, stageBatch } from "./helpers";
import { E2E } from "./settings";

test.use({ storageState: E2E.adminState });
test.setTimeout(120_000);

test("an admin promotes two batches after their previews, reverts the second, and production is as before", async ({
  page,
}) => {
  const admin = apiKey("admin", "promote-story");
  const analyst = apiKey("analyst", "promote-story");
  const base = 5_000_000 + (Date.now() % 1_000_000) * 10;
  const ids = [1, 2, 3, 4, 5].map((i) => base + i);
  const first = `promote-first-${base}.csv`;
  const second = `promote-second-${base}.csv`;

  // Two batches staged through the API: the second changes two rows of the first, keeps three and adds two.
  const batch1 = await stageBatch(
    page.request,
    admin,
    first,
    [LISTINGS_HEADER, ...ids.map((id) => listing(id))].join("\n"),
  );
  const batch2 = await stageBatch(
    page.request,
    admin,
    second,
    [
      LISTINGS_HEADER,
      listing(ids[0]!),
      listing(ids[1]!, { price: "12.75" }),
      listing(ids[2]!, { name: "Shop Renamed" }),
      listing(ids[3]!),
      listing(ids[4]!),
      listing(base + 6),
      listing(base + 7),
    ].join("\n"),
  );

  // Other stories may have put listings in production already: count from what is there.
  const rowsBefore = Number((await productionChecksum(page.request, admin)).split(":")[0]);

  // Promote the first in the browser, after its preview.
  await page.goto("/promotions");
  const ready = page.getByRole("table", { name: "Ready to promote" });
  await ready
    .getByRole("row")
    .filter({ hasText: first })
    .getByRole("link", { name: /Review/ })
    .click();
  await expect(page).toHaveURL(new RegExp(`/promotions/preview/${batch1.batchId}$`));
  await expect(page.getByTestId("promote-inserted")).toHaveText("5");
  await expect(page.getByTestId("promote-updated")).toHaveText("0");
  await expect(page.getByTestId("promote-unchanged")).toHaveText("0");
  await expect(page.getByTestId("promote-deleted")).toHaveCount(0); // upsert mode: nothing is deleted
  await page.getByRole("button", { name: "Promote to production", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Promoted to production" })).toContainText(
    "5 inserted",
  );
  await expect(page.getByRole("button", { name: "Promote to production" })).toHaveCount(0);

  // The REST door: promoting it again is a conflict, and an analyst's key may not promote at all.
  const again = await page.request.post(`/api/v1/batches/${batch1.batchId}/promote`, {
    headers: bearer(admin),
  });
  expect(again.status()).toBe(409);
  expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(/already/);
  const refused = await page.request.post(`/api/v1/batches/${batch2.batchId}/promote`, {
    headers: bearer(analyst),
  });
  expect(refused.status()).toBe(403);

  const before = await productionChecksum(page.request, admin);
  expect(before).toMatch(new RegExp(`^${rowsBefore + 5}:`));

  // The second batch's preview counts against production as it is now, and shows what changes.
  await page.goto("/promotions");
  await ready
    .getByRole("row")
    .filter({ hasText: second })
    .getByRole("link", { name: /Review/ })
    .click();
  await expect(page.getByTestId("promote-inserted")).toHaveText("2");
  await expect(page.getByTestId("promote-updated")).toHaveText("2");
  await expect(page.getByTestId("promote-unchanged")).toHaveText("3");
  const changes = page.getByRole("table", { name: "Rows to update, old and new" });
  await expect(changes.getByRole("insertion").filter({ hasText: "Shop Renamed" })).toBeVisible();
  await expect(changes.getByRole("deletion").filter({ hasText: `Shop ${ids[2]}` })).toBeVisible();
  await expect(changes.getByRole("insertion").filter({ hasText: "12.75" })).toBeVisible();
  await page.getByRole("button", { name: "Promote to production", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Promoted to production" })).toContainText(
    "2 inserted · 2 updated · 3 unchanged",
  );
  expect(await productionChecksum(page.request, admin)).not.toBe(before);

  // In the history, the first cannot be reverted while the second builds on it…
  await page.getByRole("link", { name: "See it in the promotion history" }).click();
  const history = page.getByRole("table", { name: "Promotion history" });
  const firstRow = history.getByRole("row").filter({ hasText: first });
  const secondRow = history.getByRole("row").filter({ hasText: second });
  await expect(secondRow.getByTestId("promotion-status")).toHaveText("applied");
  await firstRow.getByRole("button", { name: /Revert/ }).click();
  const dialog = page.getByRole("dialog", { name: "Revert this promotion?" });
  await dialog.getByRole("button", { name: "Revert promotion" }).click();
  await expect(dialog.getByRole("alert")).toContainText("Later promotions of listings build on this one");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(firstRow.getByTestId("promotion-status")).toHaveText("applied");

  // …the second can, and production reads back exactly as it was before it.
  await secondRow.getByRole("button", { name: /Revert/ }).click();
  await expect(dialog).toContainText("the 2 rows it inserted are deleted");
  await dialog.getByRole("button", { name: "Revert promotion" }).click();
  await expect(dialog).toBeHidden();
  await expect(secondRow.getByTestId("promotion-status")).toHaveText("reverted");
  await expect(secondRow.getByRole("button", { name: /Revert/ })).toHaveCount(0);
  expect(await productionChecksum(page.request, admin)).toBe(before);

  // The reverted batch is ready to promote again.
  await expect(ready.getByRole("row").filter({ hasText: second })).toBeVisible();
});
