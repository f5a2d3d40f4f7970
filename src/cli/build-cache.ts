import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Whether the production build in .next matches the sources, by a hash of their contents (mtimes
 * change with every clone, contents do not).
 */
const INPUTS = [
  "app",
  "src",
  "public",
  "prisma/schema.prisma",
  "next.config.js",
  "postcss.config.mjs",
  "tsconfig.json",
  "package-lock.json",
];
const SKIP = new Set(["generated", "node_modules"]);
const distDir = () => process.env.NEXT_DIST_DIR || ".next";

export function sourceHash(root: string): string {
  const hash = createHash("sha256");
  const visit = (rel: string) => {
    const abs = path.join(root, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort()) if (!SKIP.has(name)) visit(path.join(rel, name));
    } else {
      hash.update(rel).update("\0").update(readFileSync(abs)).update("\0");
    }
  };
  for (const input of INPUTS) visit(input);
  return hash.digest("hex");
}

export function buildIsCurrent(root: string, hash: string): boolean {
  const stamp = path.join(root, distDir(), "sluice-build-hash");
  return (
    existsSync(path.join(root, distDir(), "BUILD_ID")) &&
    existsSync(stamp) &&
    readFileSync(stamp, "utf8") === hash
  );
}

export function markBuilt(root: string, hash: string): void {
  writeFileSync(path.join(root, distDir(), "sluice-build-hash"), hash);
}
