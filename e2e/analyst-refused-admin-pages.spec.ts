import { expect, test } from "@playwright/test";
import { signInAsNewUser } from "./helpers";

test("an analyst is refused the admin pages and the admin procedures", async ({ page }) => {
  await signInAsNewUser(page, "analyst", "refused");

  // The navigation offers no admin sections…
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Overview" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Settings" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Audit" })).toHaveCount(0);

  // …and typing the address does not help: the server refuses.
  for (const path of ["/settings/users", "/settings/api-keys", "/audit"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: "Access denied" })).toBeVisible();
    await expect(page.getByRole("table")).toHaveCount(0);
  }

  // The procedures behind those pages refuse the session too.
  const res = await page.request.get("/api/trpc/users.list");
  expect(res.status()).toBe(403);
});
