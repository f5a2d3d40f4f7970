import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Actor } from "@/auth/actor";
import { db } from "@/db/prisma";
import { applyDataset } from "./registry";

/**
 * Two sample datasets, created on the first start so a newcomer can upload a sample file
 * (public/samples/*.csv, linked from the Upload page) and see the whole flow in minutes.
 */
export const SAMPLE_DATASETS = ["listings", "domains"] as const;

export async function ensureSampleDatasets(actor: Actor): Promise<string[]> {
  if ((await db().dataset.count()) > 0) return [];
  const created: string[] = [];
  for (const name of SAMPLE_DATASETS) {
    const file = fileURLToPath(new URL(`./samples/${name}.json`, import.meta.url));
    await applyDataset(JSON.parse(await readFile(file, "utf8")), actor);
    created.push(name);
  }
  return created;
}
