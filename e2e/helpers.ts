import { execFileSync } from "node:child_process";
import { expect, type Page } from "@playwright/test";
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
