import { expect, test } from "@playwright/test";
import { bearer, signIn, uniqueEmail } from "./helpers";
import { E2E } from "./settings";

test("an admin signs in, creates an analyst and an API key, and signs out", async ({ page, request }) => {
  await signIn(page, E2E.admin.email, E2E.admin.password);

  // Create an analyst.
  const analystEmail = uniqueEmail("analyst");
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings\/users$/);
  await page.getByLabel("Email").fill(analystEmail);
  await page.getByLabel("Name").fill("Ana Lyst");
  await page.getByLabel("Role", { exact: true }).selectOption("analyst");
  await page.getByLabel("Password").fill("analyst-password-1");
  await page.getByRole("button", { name: "Create user" }).click();
  const row = page.getByRole("row").filter({ hasText: analystEmail });
  await expect(row).toBeVisible();
  await expect(page.getByLabel(`Role for ${analystEmail}`)).toHaveValue("analyst");

  // Create an API key; it is shown once and works against the REST door.
  await page.getByRole("link", { name: "API keys" }).click();
  await page.getByLabel("Key name").fill("nightly-loader");
  await page.getByLabel("Role", { exact: true }).selectOption("analyst");
  await page.getByRole("button", { name: "Create API key" }).click();
  const key = (await page.getByTestId("new-api-key").locator("code").textContent())?.trim() ?? "";
  expect(key).toMatch(/^sluice_[a-z0-9]{10}_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByRole("row").filter({ hasText: "nightly-loader" })).toBeVisible();

  const ok = await request.get("/api/v1/datasets", { headers: bearer(key) });
  expect(ok.status()).toBe(200);
  expect(await ok.json()).toEqual({ datasets: expect.any(Array) });

  // Sign out: the console is closed again.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/settings/users");
  await expect(page).toHaveURL(/\/signin/);
});

test("a wrong password is refused with a clear message", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(E2E.admin.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  // Scoped to the form: Next's route announcer is an alert region too.
  await expect(page.locator("form").getByRole("alert")).toHaveText(/Wrong email or password/);
  await expect(page).toHaveURL(/\/signin/);
});
