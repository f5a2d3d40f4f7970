import { expect, test } from "@playwright/test";
import { apiKey, bearer, LISTINGS_HEADER, listing, serveOnLoopback, signInAsNewUser } from "./helpers";
import { E2E } from "./settings";

test.setTimeout(150_000);

const base = 700_000 + (Date.now() % 100_000);
const CSV = `${[
  LISTINGS_HEADER,
  ...[0, 1, 2].map((i) =>
    listing(base + i, { site: "pulled", price: "12.00", rating: "4.0", name: `Pulled ${base + i}` }),
  ),
].join("\n")}\n`;

/** The CSV server the pull source reads: on loopback, started by this test. */
let feed: Awaited<ReturnType<typeof serveOnLoopback>>;
test.beforeAll(async () => {
  feed = await serveOnLoopback((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "text/csv" });
    res.end(CSV);
  }, "/partner-listings.csv");
});
test.afterAll(() => feed.close());

test("an operator sees the default schedules in words and runs one now", async ({ browser, request }) => {
  const key = apiKey("operator", "schedules");
  const listed = await request.get("/api/v1/schedules", { headers: bearer(key) });
  expect(listed.status()).toBe(200);
  const { schedules } = (await listed.json()) as {
    schedules: { name: string; cronText: string; system: boolean }[];
  };
  const defaults = schedules.filter((s) => s.system);
  expect(defaults.map((s) => s.name)).toContain("schedule-history-prune");

  const context = await browser.newContext();
  const page = await context.newPage();
  const email = await signInAsNewUser(page, "operator", "operator");
  await page.getByRole("link", { name: "Schedules" }).click();
  await expect(page.getByRole("heading", { name: "Schedules", level: 1 })).toBeVisible();
  for (const d of defaults) {
    const card = page.getByTestId(`schedule-${d.name}`);
    await expect(card.getByTestId("cron-words")).toHaveText(d.cronText);
  }
  const prune = page.getByTestId("schedule-schedule-history-prune");
  await expect(prune.getByTestId("cron-words")).toHaveText("At 03:15 (UTC)");
  // Operators run; they do not re-time or disable.
  await expect(prune.getByRole("button", { name: "Disable" })).toHaveCount(0);
  await prune.getByRole("button", { name: "Run schedule-history-prune now" }).click();
  await expect(prune.getByTestId("last-outcome")).toHaveText("succeeded", { timeout: 30_000 });
  await expect(prune.getByRole("list", { name: "Chain of schedule-history-prune" })).toContainText(
    "succeeded",
  );
  await prune.getByRole("button", { name: "History", exact: true }).click();
  await expect(prune.getByText(`run now by ${email}`)).toBeVisible();
  await page.screenshot({ path: "/tmp/schedules-operator.png", fullPage: true });
  await context.close();
});

test.describe("as an admin", () => {
  test.use({ storageState: E2E.adminState });

  test("creates a pull source against a loopback server and sees its batch", async ({ page }) => {
    const name = `partner-${Date.now().toString(36)}`;
    await page.goto("/schedules");
    await page.getByRole("button", { name: "New pull source" }).click();
    const form = page.getByRole("form", { name: "New pull source" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Dataset").selectOption("listings");
    // A bad URL first: the server says what is wrong, next to the field.
    await form.getByLabel("URL").fill("ftp://127.0.0.1/x.csv");
    await form.getByLabel("Schedule (cron, UTC)").fill("0 6 * * 1");
    await expect(form.getByText("At 06:00, only on Monday (UTC)")).toBeVisible();
    await form.getByRole("button", { name: "Create pull source" }).click();
    await expect(form.getByText("url: only http:// and https:// URLs can be pulled")).toBeVisible();
    await form.getByLabel("URL").fill(feed.url);
    await form.getByRole("button", { name: "Create pull source" }).click();
    await expect(page.getByText(`Pull source ${name} created`)).toBeVisible();

    const card = page.getByTestId(`schedule-${name}`);
    await expect(card.getByTestId("cron-words")).toHaveText("At 06:00, only on Monday (UTC)");
    await expect(card.getByRole("list", { name: `Chain of ${name}` })).toContainText("pull");
    await card.getByRole("button", { name: `Run ${name} now` }).click();
    await expect(card.getByTestId("last-outcome")).toHaveText("succeeded", { timeout: 45_000 });
    const chain = card.getByRole("list", { name: `Chain of ${name}` });
    await expect(chain.getByRole("listitem").filter({ hasText: "pull" })).toContainText("succeeded");
    await expect(chain.getByRole("listitem").filter({ hasText: "ingest" })).toContainText("succeeded");

    await card.getByRole("button", { name: "History", exact: true }).click();
    const pulls = card.getByRole("table", { name: `Pulls of ${name}` });
    await expect(pulls).toContainText("fetched");
    await expect(pulls).toContainText("200");
    const batchLink = pulls.getByRole("link", { name: "staged · 3 rows" });
    await expect(batchLink).toBeVisible();
    await page.screenshot({ path: "/tmp/schedules-admin.png", fullPage: true });

    // The same bytes again: recognised and skipped.
    await card.getByRole("button", { name: `Run ${name} now` }).click();
    await expect(card.getByTestId("last-outcome")).toHaveText("skipped", { timeout: 45_000 });
    await expect(pulls).toContainText("unchanged");
    await page.screenshot({ path: "/tmp/schedules-admin-unchanged.png", fullPage: true });

    await batchLink.click();
    await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  });
});
