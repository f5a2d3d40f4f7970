import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { trpcMutation } from "./helpers";
import { E2E } from "./settings";

test.use({ storageState: E2E.adminState });

/** The e2e server's database, as its embedded Postgres wrote it down. */
function e2eDatabaseUrl(): string {
  const s = JSON.parse(readFileSync(path.join(E2E.dataDir, "embedded-postgres.json"), "utf8"));
  return `postgresql://postgres:${encodeURIComponent(s.password)}@127.0.0.1:${s.port}/sluice`;
}

test("the queue page catches up by itself after the server's live connection drops and events are lost", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto("/queue");
  await expect(page.getByTitle("Live updates from the server")).toHaveText("Live");
  const waiting = page.getByTestId("depth-emergency-waiting");
  await expect(waiting).toHaveText("0");
  // Held, so the depth stays put until the page shows it.
  await trpcMutation(page.request, "queue.pause", { target: { kind: "priority", name: "emergency" } });

  // Cut the web server's LISTEN connection: NOTIFYs sent until it reconnects are gone.
  const db = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await db.connect();
  try {
    const cut = await db.query(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'sluice-live'",
    );
    expect(cut.rows.length).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) await trpcMutation(page.request, "jobs.ping", { priority: "emergency" });
  } finally {
    await db.end();
  }
  // No reload: the stream re-reads the state after its reconnect.
  await expect(waiting).toHaveText("5", { timeout: 10_000 });
  await expect(page.getByTitle("Live updates from the server")).toHaveText("Live");
  await expect(page.getByRole("row", { name: /emergency/i })).toContainText("paused");
  await page.screenshot({ path: "/tmp/operator-reconnected.png", fullPage: true });

  await trpcMutation(page.request, "queue.resume", { target: { kind: "priority", name: "emergency" } });
  await expect(waiting).toHaveText("0", { timeout: 20_000 });
});
