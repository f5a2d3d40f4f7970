import { getDataset } from "@/datasets/registry";
import { productionTable } from "@/datasets/tables";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";

/**
 * A dataset's history: every promotion and every revert of production.<dataset> as events over
 * time, newest first, with what each did and how many rows production held after it. Production
 * changes only through promotions and reverts, so the row count after each event is the running sum
 * of their net effects (a revert undoes its promotion's).
 */
export interface HistoryEvent {
  kind: "promotion" | "revert";
  at: string;
  promotionId: string;
  batchId: string;
  jobId: string;
  fileName: string;
  mode: string;
  auto: boolean;
  by: string;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  /** Rows in production after this event. */
  rowsAfter: number;
  /** For a promotion: whether it is still applied now. */
  status: "applied" | "reverted";
}

export async function datasetHistory(name: string) {
  const dataset = await getDataset(name);
  const promotions = await db().promotion.findMany({
    where: { datasetId: dataset.id },
    orderBy: { createdAt: "asc" },
    include: { batch: { select: { jobId: true, upload: { select: { fileName: true } } } } },
  });
  const events: Omit<HistoryEvent, "rowsAfter">[] = [];
  for (const p of promotions) {
    const common = {
      promotionId: p.id,
      batchId: p.batchId,
      jobId: p.batch.jobId,
      fileName: p.batch.upload.fileName,
      mode: p.mode,
      auto: p.auto,
      inserted: p.inserted,
      updated: p.updated,
      unchanged: p.unchanged,
      deleted: p.deleted,
      status: p.status,
    };
    events.push({ ...common, kind: "promotion", at: p.createdAt.toISOString(), by: p.createdBy });
    if (p.revertedAt) {
      events.push({
        ...common,
        kind: "revert",
        at: p.revertedAt.toISOString(),
        by: p.revertedBy ?? "unknown",
      });
    }
  }
  events.sort(
    (a, b) => a.at.localeCompare(b.at) || (a.kind === b.kind ? 0 : a.kind === "promotion" ? -1 : 1),
  );
  let rows = 0;
  const withRows: HistoryEvent[] = events.map((e) => {
    const net = e.inserted - e.deleted;
    rows += e.kind === "promotion" ? net : -net;
    return { ...e, rowsAfter: rows };
  });
  const { rows: now } = await pool().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${productionTable(dataset.name)}`,
  );
  return {
    dataset: dataset.name,
    title: dataset.title,
    productionRows: now[0]!.n,
    promotions: promotions.length,
    reverts: promotions.filter((p) => p.revertedAt).length,
    events: withRows.reverse(),
  };
}
