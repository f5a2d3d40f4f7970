import { db } from "@/db/prisma";

/** Datasets as the console and the API list them. Definitions arrive with the ingestion work. */
export async function listDatasets() {
  const rows = await db().dataset.findMany({ orderBy: { name: "asc" } });
  return rows.map((d) => ({
    name: d.name,
    title: d.title,
    version: d.version,
    definition: d.definition,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  }));
}
