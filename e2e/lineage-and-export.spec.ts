import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, type Page, test } from "@playwright/test";
import { apiKey, LISTINGS_HEADER, listing, promoteBatch, signInAsNewUser, stageBatch } from "./helpers";
import { E2E } from "./settings";

test.setTimeout(180_000);

/** This story's rows: their own domains, and values its downloads check. */
const lineageListing = (id: number) =>
  listing(id, {
    site: "lineage",
    mailbox: "owner",
    country: "GB",
    price: "19.90",
    rating: "4.8",
    createdAt: "2026-05-01T08:00:00Z",
  });

async function downloadFrom(page: Page, group: string, format: string): Promise<Buffer> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("group", { name: group }).getByRole("link", { name: format, exact: true }).click(),
  ]);
  return readFile((await download.path())!);
}

test("from a production row, the lineage graph leads back to the upload; exports download; an analyst sees personal data masked", async ({
  browser,
}) => {
  const admin = apiKey("admin", "lineage-story");
  const base = 7_000_000 + (Date.now() % 1_000_000) * 10;
  const id = base + 1;
  const fileName = `lineage-${base}.csv`;
  const csv = [LISTINGS_HEADER, lineageListing(id), lineageListing(base + 2)].join("\n");

  const adminContext = await browser.newContext({ storageState: E2E.adminState });
  const page = await adminContext.newPage();
  const { jobId, batchId } = await stageBatch(page.request, admin, fileName, csv);
  const { promotionId } = await promoteBatch(page.request, admin, batchId);

  // The admin finds the row among production rows and opens its lineage.
  await page.goto("/datasets/listings");
  const rows = page.getByRole("table", { name: "Production rows" });
  await rows.getByLabel("Filter external_id").fill(String(id));
  const row = rows.getByRole("row").filter({ hasText: `lineage${id}.example.com` });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`owner@lineage${id}.example.com`);
  await page.screenshot({ path: "/tmp/promotion-dataset.png", fullPage: true });
  await row.getByRole("link", { name: "Lineage" }).click();
  await expect(page).toHaveURL(/\/datasets\/listings\/lineage\?key=/);
  await expect(page.getByRole("heading", { name: "Lineage of a production row" })).toBeVisible();
  const graph = page.getByRole("figure", { name: "Lineage graph" });
  await expect(graph.getByTestId("lineage-upload")).toContainText(fileName);
  await expect(page.getByTestId("lineage-sha256")).toHaveText(createHash("sha256").update(csv).digest("hex"));
  await expect(graph.getByTestId("lineage-quality")).toContainText("/ 100");
  await expect(graph.getByTestId("lineage-promotions")).toContainText("applied");
  await expect(graph.getByTestId("lineage-production")).toContainText(String(id));
  await page.screenshot({ path: "/tmp/promotion-lineage-row.png", fullPage: true });

  // Every node is a link: the job…
  await graph.getByTestId("lineage-job").click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}$`));
  await expect(page.getByRole("heading", { name: fileName })).toBeVisible();
  // …which leads to its batch's lineage (and back into the graph)…
  await page.getByRole("link", { name: "Lineage", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/batches/${batchId}/lineage$`));
  await expect(page.getByRole("heading", { name: "Lineage of a batch" })).toBeVisible();
  await expect(graph.getByTestId("lineage-production")).toContainText("2 rows last written by this batch");
  // …the upload…
  await graph.getByTestId("lineage-upload").click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}#upload$`));
  await expect(page.getByRole("region", { name: "Upload" })).toContainText(fileName);
  await page.goBack();
  // …and the promotion, in the dataset's history.
  await graph.getByRole("link", { name: /^Promotion:/ }).click();
  await expect(page).toHaveURL(new RegExp(`/datasets/listings/history#promotion-${promotionId}$`));
  await expect(page.getByRole("heading", { name: /^History of/ })).toBeVisible();
  const history = page.getByRole("table", { name: "History of listings" });
  await expect(history.getByRole("row").filter({ hasText: fileName })).toContainText("+2");
  await page.screenshot({ path: "/tmp/promotion-history.png", fullPage: true });

  // Downloads: production as CSV and Parquet from the dataset page, the batch as JSON Lines from its job.
  await page.goto("/datasets/listings");
  const productionCsv = (await downloadFrom(page, "Download production.listings", "CSV")).toString("utf8");
  expect(productionCsv.split("\r\n")[0]).toBe(LISTINGS_HEADER);
  expect(productionCsv).toContain(`${id},lineage${id}.example.com,owner@lineage${id}.example.com,GB,19.90`);
  const parquet = await downloadFrom(page, "Download production.listings", "Parquet");
  expect(parquet.subarray(0, 4).toString()).toBe("PAR1");
  expect(parquet.subarray(-4).toString()).toBe("PAR1");
  await page.goto(`/jobs/${jobId}`);
  const jsonl = (await downloadFrom(page, "Download the staged rows", "JSON Lines")).toString("utf8");
  expect(
    jsonl
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).external_id),
  ).toEqual([id, base + 2]);
  await page.screenshot({ path: "/tmp/promotion-job.png", fullPage: true });
  await adminContext.close();

  // An analyst sees the same row with its email masked, in the browser, the lineage and downloads.
  const analystContext = await browser.newContext();
  const analyst = await analystContext.newPage();
  await signInAsNewUser(analyst, "analyst", "masked");
  await analyst.goto("/datasets/listings");
  const analystRows = analyst.getByRole("table", { name: "Production rows" });
  await expect(analystRows.getByRole("columnheader", { name: /email/ })).toContainText("masked");
  await expect(analystRows.getByLabel("Filter email")).toBeDisabled();
  await analystRows.getByLabel("Filter external_id").fill(String(id));
  const masked = analystRows.getByRole("row").filter({ hasText: `lineage${id}.example.com` });
  await expect(masked).toContainText("***");
  await expect(masked).not.toContainText("owner@");
  await expect(analyst.getByRole("group", { name: "Download production.listings" })).toContainText(
    "personal data masked",
  );
  await analyst.screenshot({ path: "/tmp/promotion-analyst-masked.png", fullPage: true });
  const analystCsv = (await downloadFrom(analyst, "Download production.listings", "CSV")).toString("utf8");
  expect(analystCsv).toContain(`${id},lineage${id}.example.com,***,GB`);
  expect(analystCsv).not.toContain(`owner@lineage${id}`);
  await masked.getByRole("link", { name: "Lineage" }).click();
  await expect(analyst.getByRole("region", { name: "The row now" })).toContainText("***");
  await expect(analyst.getByRole("region", { name: "The row now" })).not.toContainText("owner@");
  const api = await analyst.request.get(`/api/v1/datasets/listings/rows?filter[external_id]=${id}`);
  expect(((await api.json()) as { rows: { email: string }[] }).rows[0]!.email).toBe("***");
  await analystContext.close();
});
