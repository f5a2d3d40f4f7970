import { withDatabase } from "@/cli/database";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { computeQualityReport } from "@/quality/report";

await withDatabase(async () => {
  const batch = await db().batch.findFirst({ orderBy: { createdAt: "desc" }, where: { status: "staged" } });
  if (!batch) throw new Error("no staged batch");
  for (let i = 0; i < Number(process.env.RUNS ?? 1); i++) {
    await db().qualityReport.deleteMany({ where: { batchId: batch.id } });
    const t0 = performance.now();
    await computeQualityReport(pool(), batch.id);
    console.log(`report ${((performance.now() - t0) / 1000).toFixed(2)} s for ${batch.valid} rows`);
  }
  const r = await db().qualityReport.findUnique({ where: { batchId: batch.id } });
  if (process.env.SHOW) console.log(JSON.stringify(r?.profiles, null, 1).slice(0, 6000));
});
