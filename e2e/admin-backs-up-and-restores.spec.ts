import { createHash } from "node:crypto";
import { type APIRequestContext, expect, test } from "@playwright/test";
import { cli } from "./helpers";
import { E2E } from "./settings";

test.use({ storageState: E2E.adminState });
test.setTimeout(180_000);

const HEADER = "external_id,domain,email,country,price,rating,created_at,url,name";
const listing = (id: number, name = `Shop ${id}`) =>
  [
    id,
    `shop${id}.example.com`,
    `info@shop${id}.example.com`,
    "DE",
    "10.50",
    "4.2",
    "2026-03-01T10:00:00Z",
    `https://shop${id}.example.com/`,
    name,
  ].join(",");

function apiKey(role: string): string {
  const out = cli("api-key", "create", "--name", `backup-story-${role}-${Date.now()}`, "--role", role);
  return out.trim().split("\n").at(-1)!.trim();
}

/** Stages a batch through the API and promotes it. */
async function promote(request: APIRequestContext, key: string, fileName: string, rows: string[]) {
  const auth = { Authorization: `Bearer ${key}` };
  const res = await request.post(`/api/v1/uploads?dataset=listings&filename=${fileName}`, {
    headers: { ...auth, "Content-Type": "text/csv" },
    data: [HEADER, ...rows].join("\n"),
  });
  expect(res.status(), await res.text()).toBe(202);
  const { jobId, batchId } = (await res.json()) as { jobId: string; batchId: string };
  await expect
    .poll(
      async () => {
        // Promotion waits for the quality report, computed just after staging.
        const job = (await (await request.get(`/api/v1/jobs/${jobId}`, { headers: auth })).json()) as {
          status: string;
          qualityScore: number | null;
        };
        return job.qualityScore === null ? job.status : `${job.status}, scored`;
      },
      { timeout: 45_000 },
    )
    .toBe("succeeded, scored");
  const promoted = await request.post(`/api/v1/batches/${batchId}/promote`, { headers: auth });
  expect(promoted.status(), await promoted.text()).toBe(200);
}

async function productionChecksum(request: APIRequestContext, key: string): Promise<string> {
  const lines: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await request.get(
      `/api/v1/datasets/listings/rows?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      { headers: { Authorization: `Bearer ${key}` } },
    );
    expect(res.status()).toBe(200);
    const page = (await res.json()) as { rows: Record<string, unknown>[]; nextCursor: string | null };
    for (const row of page.rows) lines.push(JSON.stringify(row, Object.keys(row).sort()));
    cursor = page.nextCursor;
  } while (cursor);
  lines.sort();
  return `${lines.length}:${createHash("sha256").update(lines.join("\n")).digest("hex")}`;
}

test("an admin backs up, verifies, and restores after a later promotion; production is as in the backup", async ({
  page,
}) => {
  const admin = apiKey("admin");
  const operator = apiKey("operator");
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
  const refused = await page.request.post("/api/v1/backups", {
    headers: { Authorization: `Bearer ${operator}` },
  });
  expect(refused.status()).toBe(403);

  // Data changes after the backup…
  await promote(page.request, admin, `backup-second-${base}.csv`, [
    listing(base + 2, "Renamed"),
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
