import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { apiKey, bearer, cli, stageBatch } from "./helpers";
import { E2E } from "./settings";

test.use({ storageState: E2E.adminState });
test.setTimeout(180_000);

/**
 * An analyst's file with known defects gets a report that shows each one; the failing batch is
 * blocked from promotion until an admin overrides with a reason; a second batch shows drift.
 */
const DATASET = `orders_${Date.now().toString(36)}`;
const HEADER = "order_id,email,country,amount,start_date,end_date";
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const row = (i: number, o: { email?: string; country?: string; amount?: number; end?: string } = {}) =>
  [
    i,
    o.email ?? `buyer${i}@example.com`,
    o.country ?? (i % 2 ? "US" : "GB"),
    o.amount ?? i,
    day(-2),
    o.end ?? day(0),
  ].join(",");

test("a defective batch's report shows its defects, the gate holds it until an admin overrides, and drift shows", async ({
  page,
  request,
}) => {
  const file = path.join(tmpdir(), `${DATASET}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name: DATASET,
      title: "Orders (quality story)",
      key: ["order_id"],
      columns: [
        { name: "order_id", type: "integer", required: true },
        { name: "email", type: "email" },
        { name: "country", type: "enum", values: ["US", "GB", "DE"] },
        { name: "amount", type: "decimal", min: 0 },
        { name: "start_date", type: "date" },
        { name: "end_date", type: "date" },
      ],
      quality: {
        minScore: 80,
        minScores: { validity: 95 },
        rules: [{ left: "end_date", op: ">=", right: "start_date" }],
        freshness: { column: "end_date", maxAgeHours: 72 },
      },
    }),
  );
  cli("dataset", "apply", file);
  const analyst = apiKey("analyst", "quality-story");
  const admin = apiKey("admin", "quality-story");

  // 20 rows: bad emails on lines 4 and 8, a negative amount on line 6, end before start on line 15.
  const rows = Array.from({ length: 20 }, (_, k) => {
    const i = k + 1;
    if (i === 3) return row(i, { email: "not-an-email" });
    if (i === 7) return row(i, { email: "also@bad" });
    if (i === 5) return row(i, { amount: -5 });
    if (i === 14) return row(i, { end: day(-6) });
    return row(i);
  });
  const { batchId: first } = await stageBatch(
    request,
    analyst,
    "orders-monday.csv",
    [HEADER, ...rows].join("\n"),
    DATASET,
  );

  await page.goto(`/quality/batches/${first}`);
  await expect(page.getByRole("heading", { name: "Quality report" })).toBeVisible();
  await expect(page.getByTestId("gate")).toHaveText(/Gate failed/);
  await expect(page.getByText("validity 85 < 95").first()).toBeVisible();
  const violations = page.getByRole("table", { name: "Rule violations" });
  const emailRow = violations.getByRole("row").filter({ hasText: "email" }).filter({ hasText: "type" });
  await expect(emailRow).toContainText("2");
  await expect(emailRow.getByRole("link", { name: "line 4" })).toBeVisible();
  await expect(emailRow.getByRole("link", { name: "line 8" })).toBeVisible();
  await expect(violations.getByRole("row").filter({ hasText: "end_date >= start_date" })).toContainText(
    "line 15",
  );
  await expect(page.getByTestId("score-consistency")).toContainText("94.1");
  await expect(page.getByRole("table", { name: "Column profiles" }).getByRole("img").first()).toBeVisible();
  await page.screenshot({ path: "/tmp/quality-report.png", fullPage: true });

  // The sample line opens the rejected rows, filtered to that rule.
  await emailRow.getByRole("link", { name: "line 4" }).click();
  await expect(page).toHaveURL(/\/jobs\/.*rule=type/);
  await expect(page.getByText("not-an-email").first()).toBeVisible();

  // Blocked: on REST (409) and in the preview, until an admin writes a reason.
  const blocked = await request.post(`/api/v1/batches/${first}/promote`, { headers: bearer(admin) });
  expect(blocked.status()).toBe(409);
  expect(((await blocked.json()) as { error: { message: string } }).error.message).toContain(
    "fails its quality gate",
  );
  await page.goto(`/promotions/preview/${first}`);
  await expect(page.getByTestId("gate-status")).toContainText("fails its quality gate");
  const override = page.getByRole("button", { name: "Override the gate and promote" });
  await expect(override).toBeDisabled();
  await page
    .getByLabel("Reason for overriding the gate")
    .fill("Vendor's known bad emails; corrected file follows");
  await page.screenshot({ path: "/tmp/quality-gate-override.png", fullPage: true });
  await override.click();
  await expect(page.getByText("Promoted to production")).toBeVisible();
  await page.goto("/promotions");
  await expect(page.getByTestId("gate-overridden").first()).toBeVisible();

  // A second, clean batch: passes, and drifts from the first (amounts ×10, a new country, more rows).
  const { batchId: second } = await stageBatch(
    request,
    analyst,
    "orders-tuesday.csv",
    [
      HEADER,
      ...Array.from({ length: 40 }, (_, k) =>
        row(100 + k, { amount: (100 + k) * 10, country: k % 3 ? "US" : "DE" }),
      ),
    ].join("\n"),
    DATASET,
  );
  await page.goto(`/quality/batches/${second}`);
  await expect(page.getByTestId("gate")).toHaveText(/Gate passed/);
  const drift = page.getByTestId("drift-summary");
  await expect(drift).toContainText("country: new values DE");
  await expect(drift).toContainText("amount: distribution shifted");
  await expect(drift).toContainText("Rows 17 → 40");
  await page.screenshot({ path: "/tmp/quality-drift.png", fullPage: true });

  await page.goto("/quality");
  await expect(
    page.getByRole("table", { name: "Dataset quality" }).getByRole("link", { name: DATASET }),
  ).toBeVisible();
  await page.screenshot({ path: "/tmp/quality-overview.png", fullPage: true });
  await page.goto(`/quality/datasets/${DATASET}`);
  await expect(page.getByRole("heading", { name: `Quality of ${DATASET}` })).toBeVisible();
  await expect(page.getByText("email · type")).toBeVisible();
  await page.screenshot({ path: "/tmp/quality-dataset.png", fullPage: true });
});
