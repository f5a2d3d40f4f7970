/**
 * `npm run bench:promote [-- --rows N]`: promoting an N-row batch into an N-row production table
 * with 10 % changed and 5 % new rows, against a bare `INSERT … ON CONFLICT DO UPDATE` of the same
 * rows in the same run; then the revert of it. Prints times and ratios (target: both ≤ 2×).
 *
 * Runs on its own embedded Postgres under .data/bench-promote; the batch is staged with SQL (the
 * ingest path is measured by bench:ingest), then promoted with the same function the API calls.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { SYSTEM } from "@/auth/actor";
import { applyDataset } from "@/datasets/registry";
import { startEmbeddedPostgres } from "@/db/embedded";
import { closePool, pool } from "@/db/pool";
import { closeDb, db } from "@/db/prisma";
import { prepareDatabase } from "@/db/setup";
import { connectTo } from "@/env";
import { promoteBatch, revertPromotion } from "@/promotion/promote";
import { computeQualityReport } from "@/quality/report";
import { benchListings, benchListingsColumns, benchProductionChecksum } from "./listings-dataset";

const { values } = parseArgs({ options: { rows: { type: "string", default: "1000000" } } });
const n = Number(values.rows);
const dir = path.resolve(import.meta.dirname, "../../.data/bench-promote");
const log = (m: string) => console.log(`[bench] ${m}`);

const definition = benchListings;
const cols = benchListingsColumns;
/** Row i's values; `version` changes price and name (the "changed" rows). */
const rowSql = (version: string) => `g, 'shop' || g || '.example.com', 'info@shop' || g || '.example.com',
  (ARRAY['US','GB','DE','FR','JP','BR'])[1 + g % 6], round((g % 10000) / 7.0 + ${version}, 2), (g % 50) / 10.0,
  timestamptz '2026-01-01' + g * interval '1 second', 'https://shop' || g || '.example.com/', 'Shop ' || g || ${version === "0" ? "''" : "' v2'"}`;

async function main() {
  rmSync(dir, { recursive: true, force: true });
  const pg = await startEmbeddedPostgres(dir);
  connectTo(pg.url);
  await prepareDatabase(pg.url);
  const p = pool();
  try {
    await applyDataset(definition, SYSTEM);
    const ds = await db().dataset.findUniqueOrThrow({ where: { name: definition.name } });
    log(`loading ${n.toLocaleString()} production rows…`);
    await p.query(
      `INSERT INTO production.bench_listings (${cols}, _batch_id, _hash)
      SELECT ${rowSql("0")}, gen_random_uuid(), '' FROM generate_series(1, $1::int) g`,
      [n],
    );
    await p.query(
      `UPDATE production.bench_listings t SET _hash = md5(ROW(${cols
        .split(", ")
        .map((c) => `t.${c}`)
        .join(", ")})::text)`,
    );
    await p.query("VACUUM ANALYZE production.bench_listings");

    // The batch: 85 % of rows unchanged, 10 % changed, 5 % new (keys beyond n).
    const upload = await db().upload.create({
      data: {
        datasetId: ds.id,
        fileName: "bench.csv",
        sizeBytes: 0,
        sha256: "bench",
        storageKey: "2026/01/00000000-0000-4000-8000-000000000000.csv",
        createdBy: "bench",
      },
    });
    const job = await db().job.create({ data: { type: "ingest", status: "succeeded", datasetId: ds.id } });
    const batch = await db().batch.create({
      data: {
        datasetId: ds.id,
        datasetVersion: 1,
        uploadId: upload.id,
        jobId: job.id,
        status: "staged",
        stagedAt: new Date(),
      },
    });
    const changed = Math.round(n * 0.1);
    const fresh = Math.round(n * 0.05);
    await p.query(
      `INSERT INTO staging.bench_listings (_batch_id, _row, _line, ${cols})
       SELECT $1, g, g + 1, ${rowSql("0")} FROM generate_series(1, $2::int) g`,
      [batch.id, n - changed],
    );
    await p.query(
      `INSERT INTO staging.bench_listings (_batch_id, _row, _line, ${cols})
       SELECT $1, g, g + 1, ${rowSql("1")} FROM generate_series($2::int, $3::int) g`,
      [batch.id, n - changed + 1, n + fresh],
    );
    // The counts a load would have left on the batch (the quality report reads them).
    await p.query("UPDATE app.batches SET rows = $2, valid = $2 WHERE id = $1", [batch.id, n + fresh]);
    await p.query("VACUUM ANALYZE staging.bench_listings");
    const before = await benchProductionChecksum(p);

    // Reference: a bare upsert of the same rows into a copy of production, in the same run.
    await p.query("CREATE TABLE bench_reference (LIKE production.bench_listings INCLUDING ALL)");
    await p.query("INSERT INTO bench_reference SELECT * FROM production.bench_listings");
    await p.query("VACUUM ANALYZE bench_reference");
    const set = cols
      .split(", ")
      .filter((c) => c !== "external_id")
      .map((c) => `${c} = EXCLUDED.${c}`)
      .join(", ");
    // Promotion is gated on the batch's quality report: compute it as the worker would, untimed.
    await computeQualityReport(p, batch.id);
    let t0 = performance.now();
    await p.query(
      `INSERT INTO bench_reference (${cols}, _batch_id, _hash)
       SELECT ${cols}, _batch_id, '' FROM staging.bench_listings WHERE _batch_id = $1
       ON CONFLICT (external_id) DO UPDATE SET ${set}`,
      [batch.id],
    );
    const bare = (performance.now() - t0) / 1000;
    await p.query("DROP TABLE bench_reference");

    t0 = performance.now();
    const result = await promoteBatch(batch.id, SYSTEM);
    const promote = (performance.now() - t0) / 1000;
    t0 = performance.now();
    await revertPromotion(result.promotionId, SYSTEM);
    const revert = (performance.now() - t0) / 1000;
    const after = await benchProductionChecksum(p);

    console.log("");
    console.log(
      `production rows           ${n.toLocaleString()}; batch ${(n + fresh).toLocaleString()} rows (10 % changed, 5 % new)`,
    );
    console.log(`bare INSERT … ON CONFLICT  ${bare.toFixed(2)} s`);
    console.log(
      `promote (with history)    ${promote.toFixed(2)} s  → ${(promote / bare).toFixed(2)}× (target ≤ 2×)  ${JSON.stringify(result)}`,
    );
    console.log(
      `revert                    ${revert.toFixed(2)} s  → ${(revert / bare).toFixed(2)}× (target ≤ 2×)`,
    );
    console.log(
      `production after revert   ${after === before ? "identical to before (checksum)" : "DIFFERENT from before"}`,
    );
  } finally {
    await closeDb();
    await closePool();
    await pg.stop();
  }
}

main().catch((err: Error) => {
  console.error(`[bench] ${err.stack ?? err.message}`);
  process.exit(1);
});
