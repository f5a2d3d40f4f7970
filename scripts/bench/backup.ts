/**
 * `npm run bench:backup [-- --rows N]`: a backup and a restore of an N-row production table (plus
 * Sluice's own tables) with the built-in engine, against a bare `COPY … TO STDOUT` (to nowhere) and
 * a bare `COPY … FROM STDIN` (into an empty copy of each table, with its indexes, in one
 * transaction) of the same tables in the same run. Prints times, throughput and ratios
 * (bare time ÷ ours; target ≥ 0.5 for both).
 *
 * Runs on its own embedded Postgres under .data/bench-backup. The machine may be shared: figures
 * are rough.
 */
import { createReadStream, createWriteStream, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";
import { SYSTEM } from "@/auth/actor";
import { insertBackupRow } from "@/backups/catalog";
import { runBackup, tablesToCopy } from "@/backups/engine";
import { restoreBackup } from "@/backups/restore";
import { columnList, tableRef } from "@/backups/sql";
import { applyDataset } from "@/datasets/registry";
import { startEmbeddedPostgres } from "@/db/embedded";
import { closePool, pool } from "@/db/pool";
import { closeDb, db } from "@/db/prisma";
import { prepareDatabase } from "@/db/setup";
import { connectTo } from "@/env";
import { benchListings, benchListingsColumns, benchProductionChecksum } from "./listings-dataset";

const { values } = parseArgs({ options: { rows: { type: "string", default: "1000000" } } });
const n = Number(values.rows);
const dir = path.resolve(import.meta.dirname, "../../.data/bench-backup");
const log = (m: string) => console.log(`[bench] ${m}`);

const definition = benchListings;
const cols = benchListingsColumns;

const nowhere = () =>
  new Writable({
    write(_c, _e, done) {
      done();
    },
  });

async function main() {
  rmSync(dir, { recursive: true, force: true });
  const pg = await startEmbeddedPostgres(dir);
  connectTo(pg.url);
  process.env.BACKUP_DIR = path.join(dir, "archives");
  await prepareDatabase(pg.url);
  const p = pool();
  try {
    await applyDataset(definition, SYSTEM);
    await db().dataset.findUniqueOrThrow({ where: { name: definition.name } });
    log(`loading ${n.toLocaleString()} production rows…`);
    await p.query(
      `INSERT INTO production.bench_listings (${cols}, _batch_id, _hash)
       SELECT g, 'shop' || g || '.example.com', 'info@shop' || g || '.example.com',
         (ARRAY['US','GB','DE','FR','JP','BR'])[1 + g % 6], round((g % 10000) / 7.0, 2), (g % 50) / 10.0,
         timestamptz '2026-01-01' + g * interval '1 second', 'https://shop' || g || '.example.com/', 'Shop ' || g,
         gen_random_uuid(), md5(g::text)
       FROM generate_series(1, $1::int) g`,
      [n],
    );
    await p.query("VACUUM ANALYZE");
    const before = await benchProductionChecksum(p);
    const tables = await tablesToCopy(p);
    const raw = path.join(dir, "raw");
    await mkdir(raw, { recursive: true });

    // Reference out: every table's COPY text to nowhere.
    const client = await p.connect();
    let rawBytes = 0;
    let t0 = performance.now();
    for (const t of tables) {
      const out = client.query(copyTo(`COPY ${tableRef(t)} (${columnList(t.columns)}) TO STDOUT`));
      const sink = nowhere();
      out.on("data", (c: Buffer) => {
        rawBytes += c.length;
      });
      await pipeline(out, sink);
    }
    const bareOut = (performance.now() - t0) / 1000;
    // (untimed) the same text to files, for the reference in.
    for (const [i, t] of tables.entries()) {
      const out = client.query(copyTo(`COPY ${tableRef(t)} (${columnList(t.columns)}) TO STDOUT`));
      await pipeline(out, createWriteStream(path.join(raw, `${i}.copy`)));
    }

    // Ours: the backup.
    const id = await insertBackupRow(p, { trigger: "manual", reason: "bench", actor: SYSTEM, jobId: null });
    t0 = performance.now();
    const manifest = await runBackup(id);
    const backup = (performance.now() - t0) / 1000;
    const archiveBytes = manifest.parts.reduce((s, part) => s + part.bytes, 0);

    // Reference in: each table's text into an empty copy of it (same indexes), one transaction.
    await client.query("BEGIN");
    t0 = performance.now();
    for (const [i, t] of tables.entries()) {
      const ref = `public.${`bench_ref_${i}`}`;
      await client.query(`CREATE TABLE ${ref} (LIKE ${tableRef(t)} INCLUDING ALL)`);
      const into = client.query(copyFrom(`COPY ${ref} (${columnList(t.columns)}) FROM STDIN`));
      await pipeline(createReadStream(path.join(raw, `${i}.copy`)), into);
    }
    await client.query("COMMIT");
    const bareIn = (performance.now() - t0) / 1000;
    client.release();

    // Ours: the restore (checksums first, then the whole backup in one transaction).
    t0 = performance.now();
    const restored = await restoreBackup(id, {}, SYSTEM);
    const restore = (performance.now() - t0) / 1000;
    const after = await benchProductionChecksum(p);

    const mb = rawBytes / 1024 / 1024;
    const rate = (s: number) =>
      `${(mb / s).toFixed(0)} MB/s, ${Math.round(restored.rows / s).toLocaleString()} rows/s`;
    console.log("");
    console.log(
      `tables ${tables.length}, rows ${restored.rows.toLocaleString()}, COPY text ${mb.toFixed(0)} MB, archive ${(archiveBytes / 1024 / 1024).toFixed(0)} MB (gzip${process.env.BACKUP_ENCRYPTION_KEY ? " + AES-256-GCM" : ""})`,
    );
    console.log(`bare COPY … TO STDOUT      ${bareOut.toFixed(2)} s  (${rate(bareOut)})`);
    console.log(
      `backup                     ${backup.toFixed(2)} s  (${rate(backup)})  ratio ${(bareOut / backup).toFixed(2)} (target ≥ 0.5)`,
    );
    console.log(`bare COPY … FROM STDIN     ${bareIn.toFixed(2)} s  (${rate(bareIn)})`);
    console.log(
      `restore                    ${restore.toFixed(2)} s  (${rate(restore)})  ratio ${(bareIn / restore).toFixed(2)} (target ≥ 0.5)`,
    );
    console.log(
      `production after restore   ${after === before ? "identical to before (checksum)" : "DIFFERENT"}`,
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
