import { defineConfig } from "@playwright/test";
import { E2E } from "./e2e/settings";

/**
 * Browser tests against the real thing: `npm start`'s launcher with a fresh embedded Postgres
 * (under .data/e2e, wiped per run), the production build, a real worker, Debian's Chromium.
 */
export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  outputDir: ".test-results/playwright",
  reporter: [["list"], ["json", { outputFile: ".test-results/playwright.json" }]],
  use: {
    baseURL: E2E.baseUrl,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    viewport: { width: 1280, height: 800 },
  },
  projects: [
    { name: "setup", testMatch: /global\.setup\.ts/ },
    { name: "chromium", dependencies: ["setup"], testIgnore: /global\.setup\.ts/ },
  ],
  webServer: {
    command: `rm -rf ${E2E.dataDir} && node --import tsx src/cli/start.ts`,
    url: `${E2E.baseUrl}/api/v1/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 40_000 },
    env: {
      SLUICE_DATA_DIR: E2E.dataDir,
      PORT: String(E2E.port),
      ADMIN_EMAIL: E2E.admin.email,
      ADMIN_PASSWORD: E2E.admin.password,
      NEXT_TELEMETRY_DISABLED: "1",
      // The pull-source story's feed is a loopback server, as an on-prem feed would be.
      PULL_ALLOW_PRIVATE_NETWORKS: "1",
      // Its own build folder, so a developer's running `npm start` keeps serving meanwhile.
      NEXT_DIST_DIR: ".next-e2e",
    },
  },
});
