// Runs `prisma generate` offline. Prisma 7's CLI wants its native schema engine on every command and
// downloads it when missing; generate does not use it, so pointing PRISMA_SCHEMA_ENGINE_BINARY at any
// existing file keeps the CLI from reaching for a host this machine cannot reach.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const prismaCli = require.resolve("prisma/build/index.js");
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
execFileSync(process.execPath, [prismaCli, "generate"], {
  stdio: "inherit",
  env,
  cwd: fileURLToPath(new URL("..", import.meta.url)),
});
