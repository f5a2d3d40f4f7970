// `npm test`: lint and types, then unit + integration tests (Vitest, real Postgres and worker), then
// browser tests (Playwright, real app in Chromium). Every suite runs even when an earlier one fails,
// and the last line is the total over all of them: `N passed, N failed`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

const results = ".test-results";
rmSync(`${results}/vitest.json`, { force: true });
rmSync(`${results}/playwright.json`, { force: true });
mkdirSync(results, { recursive: true });

const bin = (name) => `node_modules/.bin/${name}`;
function run(label, cmd, args, env = {}) {
  console.log(`\n━━ ${label} ━━`);
  const { status } = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return status === 0;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const suites = [];

const lintOk =
  run("lint: biome", bin("biome"), ["check", "."]) & run("lint: types", bin("tsc"), ["--noEmit", "-p", "."]);
totals[lintOk ? "passed" : "failed"] += 1;
suites.push(`lint ${lintOk ? "ok" : "FAILED"}`);

const vitestOk = run("unit + integration (vitest)", bin("vitest"), [
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${results}/vitest.json`,
]);
if (existsSync(`${results}/vitest.json`)) {
  const v = JSON.parse(readFileSync(`${results}/vitest.json`, "utf8"));
  totals.passed += v.numPassedTests;
  totals.failed += v.numFailedTests + (vitestOk || v.numFailedTests ? 0 : 1);
  totals.skipped += v.numPendingTests + v.numTodoTests;
  suites.push(`vitest ${v.numPassedTests} passed, ${v.numFailedTests} failed`);
} else {
  totals.failed += 1;
  suites.push("vitest did not report");
}

const e2eOk = run("browser (playwright)", bin("playwright"), ["test"]);
if (existsSync(`${results}/playwright.json`)) {
  const { stats } = JSON.parse(readFileSync(`${results}/playwright.json`, "utf8"));
  totals.passed += stats.expected + stats.flaky;
  totals.failed += stats.unexpected + (e2eOk || stats.unexpected ? 0 : 1);
  totals.skipped += stats.skipped;
  suites.push(`playwright ${stats.expected + stats.flaky} passed, ${stats.unexpected} failed`);
} else {
  totals.failed += 1;
  suites.push("playwright did not report");
}

console.log(`\n${suites.join(" · ")}`);
console.log(
  `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`,
);
process.exit(lintOk && vitestOk && e2eOk ? 0 : 1);
