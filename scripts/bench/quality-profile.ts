/**
 * `npm run bench:quality-profile [-- --runs N] [-- --out file.json]`: profiles again the staged
 * batch `npm run bench:quality` left in .data/bench (run that first), N times, and prints each
 * run's time and the median, beside a plain `count(*)` scan of the batch as the reference measured
 * in the same run. With QUALITY_DEBUG=1 each query's time is printed too. `--out` writes the
 * profiles as JSON, so two versions of the SQL can be compared value for value.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { parseDefinition } from "@/datasets/registry";
import { stagingTable } from "@/datasets/tables";
import { startEmbeddedPostgres } from "@/db/embedded";
import { profileColumns, sampleRowNumbers } from "@/quality/profile";
import { mergeLengths, mergeShapes } from "@/quality/shapes";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    out: { type: "string" },
  },
});
const root = path.resolve(import.meta.dirname, "../..");
const log = (m: string) => console.log(`[bench] ${m}`);
const dataDir = path.join(root, ".data/bench");

/** CPU seconds used so far by the embedded Postgres and its backends (the machine is shared: wall time is noisy). */
function postgresCpuSeconds(): number {
  const stat = (p: number) => readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]!.split(" ");
  const postmaster = Number(readFileSync(path.join(dataDir, "pg/postmaster.pid"), "utf8").split("\n")[0]);
  let sum = 0;
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = stat(Number(d));
      if (Number(d) === postmaster || Number(f[1]) === postmaster)
        sum += (Number(f[11]) + Number(f[12])) / 100;
    } catch {
      // gone meanwhile
    }
  }
  return sum;
}

async function main() {
  const db = await startEmbeddedPostgres(dataDir);
  const pool = new pg.Pool({ connectionString: db.url, max: 8 });
  pool.on("error", () => undefined);
  try {
    const { rows } = await pool.query(
      `SELECT b.id, b.valid, b.rows, d.definition FROM app.batches b JOIN app.datasets d ON d.id = b.dataset_id
       WHERE b.status = 'staged' ORDER BY b.valid DESC LIMIT 1`,
    );
    if (!rows[0]) throw new Error("no staged batch in .data/bench: run `npm run bench:quality` first");
    const { id, valid } = rows[0] as { id: string; valid: number };
    const def = parseDefinition(rows[0].definition);
    // Shapes and length ranges as the loader counted them, as the report uses them.
    const chunks = (
      await pool.query("SELECT shapes FROM app.batch_chunks WHERE batch_id = $1", [id])
    ).rows.map((r) => r.shapes);
    const src = {
      table: stagingTable(def.name),
      where: "_batch_id = $1",
      param: id,
      shapes: mergeShapes(chunks),
      lengths: mergeLengths(chunks),
      unique: def.key.length === 1 ? def.key[0] : undefined,
      sample: { where: "_row = ANY($1::int[])", param: sampleRowNumbers(rows[0].rows) },
    };
    log(`batch ${id}: ${valid.toLocaleString()} rows, ${def.columns.length} columns`);
    const times: number[] = [];
    const cpus: number[] = [];
    const scans: number[] = [];
    let last: unknown;
    for (let i = 0; i < Number(values.runs); i++) {
      let t0 = performance.now();
      await pool.query(`SELECT count(*) FROM ${src.table} WHERE _batch_id = $1`, [id]);
      scans.push(performance.now() - t0);
      t0 = performance.now();
      const cpu0 = postgresCpuSeconds();
      last = (await profileColumns(pool, def.columns, src, valid)).profiles;
      times.push(performance.now() - t0);
      cpus.push(postgresCpuSeconds() - cpu0);
      log(
        `run ${i + 1}: profiles ${(times.at(-1)! / 1000).toFixed(2)} s (Postgres CPU ${cpus.at(-1)!.toFixed(2)} s), scan ${scans.at(-1)!.toFixed(0)} ms`,
      );
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    log(
      `median: profiles ${(median(times) / 1000).toFixed(2)} s (Postgres CPU ${median(cpus).toFixed(2)} s), a count(*) scan of the batch ${median(scans).toFixed(0)} ms`,
    );
    if (values.out) writeFileSync(values.out, JSON.stringify(last, null, 1));
  } finally {
    await pool.end();
    await db.stop();
  }
}

main().catch((err: Error) => {
  console.error(`[bench] ${err.message}`);
  process.exit(1);
});
