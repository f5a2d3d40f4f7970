/**
 * `npm run bench:backup [-- --rows N --rounds R]`: a backup and a restore of an N-row production
 * table (plus Sluice's own tables) with the built-in engine, against a bare `COPY … TO STDOUT` (to
 * nowhere) and a bare `COPY … FROM STDIN` (into an empty copy of each table, with its indexes, in
 * one transaction) of the same tables in the same run. Bare COPY out and the backup alternate R
 * times and the medians are compared, so a neighbour's burst of load hits both alike. Prints times,
 * throughput, ratios (bare time ÷ ours; target ≥ 0.5 for both) and the CPU seconds Node and
 * Postgres spent on each, which load on a shared machine disturbs far less than wall time.
 *
 * Runs on its own embedded Postgres under .data/bench-backup. The machine may be shared: figures
 * are rough.
 */
import { execFileSync } from "node:child_process";
import { createReadStream, createWriteStream, readdirSync, readFileSync, rmSync } from "node:fs";
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

const { values } = parseArgs({
  options: { rows: { type: "string", default: "1000000" }, rounds: { type: "string", default: "3" } },
});
const n = Number(values.rows);
const rounds = Math.max(1, Number(values.rounds));
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

/** CPU seconds of this cluster's Postgres processes so far (Linux /proc; 0 elsewhere). */
function postgresCpu(): number {
  try {
    const postmaster = Number(readFileSync(path.join(dir, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
    let ticks = 0;
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        // Fields after the name: 1 ppid, 11 utime, 12 stime, 13 cutime, 14 cstime (in clock ticks).
        if (Number(pid) === postmaster) ticks += Number(f[13]) + Number(f[14]);
        else if (Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
      } catch {
        // the process ended meanwhile
      }
    }
    return ticks / 100;
  } catch {
    return 0;
  }
}

interface Timing {
  wall: number;
  node: number;
  postgres: number;
}

async function timed(f: () => Promise<void>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const pgCpu = postgresCpu();
  const t0 = performance.now();
  await f();
  const wall = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  return { wall, node: (used.user + used.system) / 1e6, postgres: postgresCpu() - pgCpu };
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const medianTiming = (ts: Timing[]): Timing => ({
  wall: median(ts.map((t) => t.wall)),
  node: median(ts.map((t) => t.node)),
  postgres: median(ts.map((t) => t.postgres)),
});
const cpuNote = (t: Timing) => `CPU: Node ${t.node.toFixed(2)} s, Postgres ${t.postgres.toFixed(2)} s`;

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

    const client = await p.connect();
    // (untimed) the COPY text to files, for the reference in; flushed to disk now so its write-back
    // does not land in the middle of a timed run.
    let rawBytes = 0;
    for (const [i, t] of tables.entries()) {
      const out = client.query(copyTo(`COPY ${tableRef(t)} (${columnList(t.columns)}) TO STDOUT`));
      out.on("data", (c: Buffer) => {
        rawBytes += c.length;
      });
      await pipeline(out, createWriteStream(path.join(raw, `${i}.copy`)));
    }
    execFileSync("sync");

    // Reference out (every table's COPY text to nowhere) and ours (the backup), alternating.
    const bareOuts: Timing[] = [];
    const backups: Timing[] = [];
    let id = "";
    let archiveBytes = 0;
    let compression = "";
    for (let r = 0; r < rounds; r++) {
      bareOuts.push(
        await timed(async () => {
          for (const t of tables) {
            const out = client.query(copyTo(`COPY ${tableRef(t)} (${columnList(t.columns)}) TO STDOUT`));
            await pipeline(out, nowhere());
          }
        }),
      );
      if (id) {
        await p.query("DELETE FROM app.backups WHERE id = $1", [id]);
        rmSync(path.join(process.env.BACKUP_DIR, `${id}.tar`), { force: true });
      }
      id = await insertBackupRow(p, { trigger: "manual", reason: "bench", actor: SYSTEM, jobId: null });
      backups.push(
        await timed(async () => {
          const manifest = await runBackup(id);
          archiveBytes = manifest.parts.reduce((s, part) => s + part.bytes, 0);
          compression = manifest.compression;
        }),
      );
      log(
        `round ${r + 1}: bare out ${bareOuts[r]!.wall.toFixed(2)} s, backup ${backups[r]!.wall.toFixed(2)} s`,
      );
    }
    const bareOut = medianTiming(bareOuts);
    const backup = medianTiming(backups);

    // Reference in: each table's text into an empty copy of it (same indexes), one transaction.
    const bareIn = await timed(async () => {
      await client.query("BEGIN");
      for (const [i, t] of tables.entries()) {
        const ref = `public.${`bench_ref_${i}`}`;
        await client.query(`CREATE TABLE ${ref} (LIKE ${tableRef(t)} INCLUDING ALL)`);
        const into = client.query(copyFrom(`COPY ${ref} (${columnList(t.columns)}) FROM STDIN`));
        await pipeline(createReadStream(path.join(raw, `${i}.copy`)), into);
      }
      await client.query("COMMIT");
    });
    client.release();

    // Ours: the restore (checksums first, then the whole backup in one transaction).
    let rows = 0;
    const restore = await timed(async () => {
      rows = (await restoreBackup(id, {}, SYSTEM)).rows;
    });
    const after = await benchProductionChecksum(p);

    const mb = rawBytes / 1024 / 1024;
    const rate = (s: number) =>
      `${(mb / s).toFixed(0)} MB/s, ${Math.round(rows / s).toLocaleString()} rows/s`;
    const line = (label: string, t: Timing, ratioOf?: Timing) =>
      console.log(
        `${label.padEnd(27)}${t.wall.toFixed(2)} s  (${rate(t.wall)})${ratioOf ? `  ratio ${(ratioOf.wall / t.wall).toFixed(2)} (target ≥ 0.5)` : ""}  ${cpuNote(t)}`,
      );
    console.log("");
    console.log(
      `tables ${tables.length}, rows ${rows.toLocaleString()}, COPY text ${mb.toFixed(0)} MB, archive ${(archiveBytes / 1024 / 1024).toFixed(0)} MB (${compression}${process.env.BACKUP_ENCRYPTION_KEY ? " + AES-256-GCM" : ""})`,
    );
    console.log(`medians of ${rounds} rounds for COPY out and backup:`);
    line("bare COPY … TO STDOUT", bareOut);
    line("backup", backup, bareOut);
    line("bare COPY … FROM STDIN", bareIn);
    line("restore", restore, bareIn);
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
