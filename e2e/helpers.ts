import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { type APIRequestContext, expect, type Page } from "@playwright/test";
import { E2E } from "./settings";

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
}

/** Sets data up the way an admin would from a shell: the CLI, against the running test server's database. */
export function cli(...args: string[]): string {
  return execFileSync(process.execPath, ["--import", "tsx", "src/cli/index.ts", ...args], {
    env: { ...process.env, SLUICE_DATA_DIR: E2E.dataDir },
    encoding: "utf8",
  });
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}@e2e.test`;
}

/** A new user of `role`, made from a shell, signed in on `page`; returns the email. */
export async function signInAsNewUser(page: Page, role: string, emailPrefix: string): Promise<string> {
  const email = uniqueEmail(emailPrefix);
  const password = `${role}-password-${Date.now().toString(36)}`;
  cli("user", "create", "--email", email, "--role", role, "--password", password);
  await signIn(page, email, password);
  return email;
}

/** An API key made from a shell, as an admin would; the key is the last line printed. */
export function apiKey(role: string, story: string): string {
  const out = cli("api-key", "create", "--name", `${story}-${role}-${Date.now()}`, "--role", role);
  return out.trim().split("\n").at(-1)!.trim();
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** Calls a tRPC mutation as the signed-in browser does (session cookie, superjson envelope). */
export async function trpcMutation<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const res = await request.post(`/api/trpc/${path}`, { data: { json: input } });
  const body = await res.json();
  if (!res.ok()) throw new Error(`${path}: ${res.status()} ${JSON.stringify(body)}`);
  return body.result.data.json as T;
}

export const LISTINGS_HEADER = "external_id,domain,email,country,price,rating,created_at,url,name";

type ListingFields = {
  /** The domain's first label, before the id: `shop` gives shop42.example.com. */
  site?: string;
  /** The email's local part at that domain. */
  mailbox?: string;
  country?: string;
  price?: string;
  rating?: string;
  createdAt?: string;
  name?: string;
};

/** A row of the sample `listings` dataset as CSV; stories offset ids per run so they never meet another's rows. */
export function listing(id: number, fields: ListingFields = {}): string {
  const domain = `${fields.site ?? "shop"}${id}.example.com`;
  return [
    id,
    domain,
    `${fields.mailbox ?? "info"}@${domain}`,
    fields.country ?? "DE",
    fields.price ?? "10.50",
    fields.rating ?? "4.2",
    fields.createdAt ?? "2026-03-01T10:00:00Z",
    `https://${domain}/`,
    fields.name ?? `Shop ${id}`,
  ].join(",");
}

/**
 * Uploads a CSV through the REST door and waits until it is staged and has its quality report
 * (promotion is gated on it; the report is computed just after staging).
 */
export async function stageBatch(
  request: APIRequestContext,
  key: string,
  fileName: string,
  csv: string,
  dataset = "listings",
): Promise<{ jobId: string; batchId: string }> {
  const res = await request.post(`/api/v1/uploads?dataset=${dataset}&filename=${fileName}`, {
    headers: { ...bearer(key), "Content-Type": "text/csv" },
    data: csv,
  });
  expect(res.status(), await res.text()).toBe(202);
  const { jobId, batchId } = (await res.json()) as { jobId: string; batchId: string };
  await expect
    .poll(
      async () => {
        const job = await request.get(`/api/v1/jobs/${jobId}`, { headers: bearer(key) });
        const { status, qualityScore } = (await job.json()) as {
          status: string;
          qualityScore: number | null;
        };
        return qualityScore === null ? status : `${status}, scored`;
      },
      { timeout: 60_000, intervals: [250, 500, 1000] },
    )
    .toBe("succeeded, scored");
  return { jobId, batchId };
}

/** Promotes a staged batch through the REST door. */
export async function promoteBatch(
  request: APIRequestContext,
  key: string,
  batchId: string,
): Promise<{ promotionId: string }> {
  const res = await request.post(`/api/v1/batches/${batchId}/promote`, { headers: bearer(key) });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as { promotionId: string };
}

/** Every production row of listings, read through the REST door page by page, as `count:digest`. */
export async function productionChecksum(request: APIRequestContext, key: string): Promise<string> {
  const lines: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await request.get(
      `/api/v1/datasets/listings/rows?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      { headers: bearer(key) },
    );
    expect(res.status()).toBe(200);
    const page = (await res.json()) as { rows: Record<string, unknown>[]; nextCursor: string | null };
    for (const row of page.rows) lines.push(JSON.stringify(row, Object.keys(row).sort()));
    cursor = page.nextCursor;
  } while (cursor);
  lines.sort();
  return `${lines.length}:${createHash("sha256").update(lines.join("\n")).digest("hex")}`;
}

/** An HTTP server on loopback for the app to call (a feed, a webhook receiver), started by the story. */
export async function serveOnLoopback(
  handler: RequestListener,
  path: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
