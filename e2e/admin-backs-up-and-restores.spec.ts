import { type APIRequestContext, expect, test } from "@playwright/test";
import {
  apiKey,
  bearer,
  LISTINGS_HEADER,
  listing,
  productionChecksum,
  promoteBatch,
  stageBatch,
} from "./helpers";
import { E2E } from "./settings";

test.use({ storageState: E2E.adminState });
test.setTimeout(180_000);

/** Stages a batch through the API and promotes it. */
async function promote(request: APIRequestContext, key: string, fileName: string, rows: string[]) {
  const { batchId } = await stageBatch(request, key, fileName, [LISTINGS_HEADER, ...rows].join("\n"));
  await promoteBatch(request, key, batchId);
}

test("an admin backs up, verifies, and restores after a later promotion; production is as in the backup", async ({
  page,
}) => {
  const admin = apiKey("admin", "backup-story");
  const operator = apiKey("operator", "backup-story");
  const base = 7_000_000 + (Date.now() % 1_000_000) * 10;
  await promote(
    page.request,
    admin,
    `backup-first-${base}.csv`,
    [1, 2, 3].map((i) => listing(base + i)),
  );
  const before = await productionChecksum(page.request, admin);

  await page.goto("/backups");
  await expect(page.getByRole("heading", { name: "Backups", level: 1 })).toBeVisible();
  await page.getByRole("textbox", { name: "Reason" }).fill("before the second batch");
  await page.getByRole("button", { name: "Back up now" }).click();
  const table = page.getByRole("table", { name: "Backups" });
  const row = table.getByRole("row").filter({ hasText: "before the second batch" });
  await expect(row.getByText("succeeded")).toBeVisible({ timeout: 60_000 });
  await page.screenshot({ path: "/tmp/backups-list.png", fullPage: true });

  // Verify: checksums and a trial restore, recorded on the row.
  await row.getByRole("button", { name: "Verify" }).click();
  await expect(row.getByText("verified")).toBeVisible({ timeout: 60_000 });

  // Download: the archive, streamed, named after the backup.
  const download = page.waitForEvent("download");
  await row.getByRole("link", { name: /Download backup/ }).click();
  expect((await download).suggestedFilename()).toMatch(/^sluice-backup-\d{8}-\d{6}-[0-9a-f]{8}\.tar$/);

  // The REST door is admins' only.
  const refused = await page.request.post("/api/v1/backups", { headers: bearer(operator) });
  expect(refused.status()).toBe(403);

  // Data changes after the backup…
  await promote(page.request, admin, `backup-second-${base}.csv`, [
    listing(base + 2, { name: "Renamed" }),
    listing(base + 4),
  ]);
  expect(await productionChecksum(page.request, admin)).not.toBe(before);

  // …the restore preview says what it undoes, and needs the typed confirmation.
  await page.reload();
  await row.getByRole("button", { name: "Restore…" }).click();
  const dialog = page.getByRole("dialog");
  const tables = dialog.getByRole("table", { name: "Rows now and in the backup" });
  await expect(tables.getByRole("row").filter({ hasText: "production.listings" })).toBeVisible();
  await expect(dialog.getByRole("list", { name: "Promotions undone" }).getByRole("listitem")).toHaveCount(1);
  const confirm = dialog.getByRole("button", { name: "Restore everything" });
  await expect(confirm).toBeDisabled();
  await dialog.getByRole("textbox", { name: "Type RESTORE to confirm" }).fill("RESTORE");
  await page.screenshot({ path: "/tmp/backups-restore.png", fullPage: true });
  await confirm.click();
  await expect(page.getByText(/Restored the whole backup/)).toBeVisible({ timeout: 60_000 });
  expect(await productionChecksum(page.request, admin)).toBe(before);
  await page.screenshot({ path: "/tmp/backups-restored.png", fullPage: true });
});
