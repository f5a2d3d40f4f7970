/**
 * `npm run bench:ingest [-- --rows N] [-- --workers N]`: times Sluice's ingest pipeline against raw
 * COPY of the same file on the same Postgres, in one run.
 *
 * 1. Starts Sluice (the `npm start` launcher) on a fresh data dir with N worker processes.
 * 2. Generates an N-row, 10-column CSV in the listings shape.
 * 3. Uploads it through POST /api/v1/uploads and polls GET /api/v1/jobs/{id}: upload-to-succeeded.
 * 4. COPYs the same file into a plain typed table (no index) on the same Postgres.
 * 5. Prints both, the throughput ratio, and the peak RSS of the web and worker processes.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createReadStream, existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { writeListingsCsv } from "./listings-file";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    workers: { type: "string", default: "2" },
    port: { type: "string", default: "3300" },
  },
});
const rows = Number(values.rows);
const workers = Number(values.workers);
const port = Number(values.port);
const root = path.resolve(import.meta.dirname, "../..");
const dataDir = path.join(root, ".data/bench");
const base = `http://localhost:${port}`;
const log = (m: string) => console.log(`[bench] ${m}`);

async function main() {
  rmSync(dataDir, { recursive: true, force: true });
  const file = path.join(tmpdir(), `sluice-bench-${rows}.csv`);
  if (!existsSync(file)) {
    log(`generating ${rows.toLocaleString()} rows…`);
    await writeListingsCsv(file, rows);
  }
  const bytes = statSync(file).size;
  log(`file: ${file} (${(bytes / 1e6).toFixed(0)} MB)`);

  log(`starting Sluice with ${workers} worker process(es) on port ${port}…`);
  const sluice = spawn(process.execPath, ["--import", "tsx", "src/cli/start.ts"], {
    cwd: root,
    env: {
      ...process.env,
      SLUICE_DATA_DIR: dataDir,
      PORT: String(port),
      WORKER_PROCESSES: String(workers),
      ADMIN_PASSWORD: "bench-admin-password",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    await waitForWorkers(sluice, workers);
    const key = execFileSync(
      process.execPath,
      ["--import", "tsx", "src/cli/index.ts", "api-key", "create", "--name", "bench", "--role", "admin"],
      {
        cwd: root,
        env: { ...process.env, SLUICE_DATA_DIR: dataDir },
        encoding: "utf8",
      },
    )
      .trim()
      .split("\n")
      .at(-1)!;
    const auth = { Authorization: `Bearer ${key}` };

    // Wall-clock start; the end is the job's own finished_at (same machine clock), so the polling
    // interval adds no error and polling stays light enough not to steal CPU from the pipeline.
    const startedAtMs = Date.now();
    const t0 = performance.now();
    const res = await fetch(`${base}/api/v1/uploads?dataset=listings&filename=bench.csv`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "text/csv" },
      body: Readable.toWeb(createReadStream(file)) as ReadableStream,
      duplex: "half",
    } as RequestInit);
    if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
    const { jobId } = (await res.json()) as { jobId: string };
    const uploaded = performance.now();
    let job: {
      status: string;
      counts: Record<string, number>;
      error: string | null;
      createdAt: string;
      startedAt: string;
      finishedAt: string;
    };
    for (;;) {
      job = (await (await fetch(`${base}/api/v1/jobs/${jobId}`, { headers: auth })).json()) as typeof job;
      if (job.status === "succeeded" || job.status === "failed") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const pipelineSeconds = (Date.parse(job.finishedAt) - startedAtMs) / 1000;
    if (job.status !== "succeeded") throw new Error(`the job failed: ${job.error}`);
    // The quality report is computed by a worker right after staging; its own duration is stored.
    let quality: { overall: number; durationMs: number } | undefined;
    const batchId = (
      (await (await fetch(`${base}/api/v1/jobs/${jobId}`, { headers: auth })).json()) as { batchId: string }
    ).batchId;
    for (let i = 0; i < 600 && !quality; i++) {
      const q = await fetch(`${base}/api/v1/batches/${batchId}/quality`, { headers: auth });
      if (q.ok) quality = (await q.json()) as typeof quality;
      else await new Promise((r) => setTimeout(r, 250));
    }
    const rss = peakRss(sluice.pid!);
    const pgCpu = postgresCpuSeconds(dataDir);

    const settings = JSON.parse(readFileSync(path.join(dataDir, "embedded-postgres.json"), "utf8"));
    const copySeconds = await referenceCopy(
      `postgresql://postgres:${encodeURIComponent(settings.password)}@127.0.0.1:${settings.port}/sluice`,
      file,
    );

    const rate = (s: number) => Math.round(rows / s).toLocaleString();
    console.log("");
    console.log(
      `rows                     ${rows.toLocaleString()} (${(bytes / 1e6).toFixed(0)} MB, 10 columns)`,
    );
    console.log(
      `sluice upload→succeeded  ${pipelineSeconds.toFixed(2)} s  (${rate(pipelineSeconds)} rows/s; upload ${((uploaded - t0) / 1000).toFixed(2)} s)`,
    );
    const at = (iso: string) => ((Date.parse(iso) - Date.parse(job.createdAt)) / 1000).toFixed(2);
    console.log(
      `  job timeline           queued 0.00 s → started ${at(job.startedAt)} s → succeeded ${at(job.finishedAt)} s`,
    );
    console.log(`  counts                 ${JSON.stringify(job.counts)}`);
    if (quality) {
      const ingestSeconds = (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
      console.log(
        `quality report           ${(quality.durationMs / 1000).toFixed(2)} s  (${(quality.durationMs / 1000 / ingestSeconds).toFixed(2)}× the ingest's ${ingestSeconds.toFixed(2)} s; target ≤ 0.5×), overall score ${quality.overall}`,
      );
    }
    console.log(`raw COPY (same file)     ${copySeconds.toFixed(2)} s  (${rate(copySeconds)} rows/s)`);
    console.log(
      `ratio                    ${(copySeconds / pipelineSeconds).toFixed(2)} of raw COPY throughput (target ≥ 0.50)`,
    );
    for (const p of rss) {
      console.log(
        `${p.name.padEnd(24)} peak RSS ${(p.kb / 1024).toFixed(0)} MB (target < 512 MB), CPU ${p.cpu.toFixed(1)} s`,
      );
    }
    console.log(`postgres (all backends)  CPU ${pgCpu.toFixed(1)} s`);
  } finally {
    sluice.kill("SIGTERM");
    await new Promise((r) => sluice.once("exit", r));
  }
}

async function waitForWorkers(sluice: ChildProcess, n: number) {
  sluice.stdout?.on("data", () => undefined);
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (sluice.exitCode !== null) throw new Error("Sluice exited during start");
    try {
      const h = (await (await fetch(`${base}/api/v1/health`)).json()) as { workers: number };
      if (h.workers >= n) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("Sluice did not become healthy");
}

/** Peak resident memory (VmHWM) of every process under the launcher, by what it runs. */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/** CPU used so far by the embedded Postgres and its backends. */
function postgresCpuSeconds(dir: string): number {
  const pid = Number(readFileSync(path.join(dir, "pg/postmaster.pid"), "utf8").split("\n")[0]);
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((p) => {
      try {
        return (
          p === pid || Number(readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]!.split(" ")[1]) === pid
        );
      } catch {
        return false;
      }
    })
    .reduce((sum, p) => sum + cpuSeconds(p), 0);
}

function peakRss(launcherPid: number): { name: string; kb: number; cpu: number }[] {
  const children = (pid: number): number[] =>
    readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          return Number(readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1]!.split(" ")[1]) === pid;
        } catch {
          return false;
        }
      })
      .map(Number);
  const all: number[] = [];
  const walk = (pid: number) => {
    for (const c of children(pid)) {
      all.push(c);
      walk(c);
    }
  };
  walk(launcherPid);
  return all.flatMap((pid) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const name = cmd.includes("workers/index.ts")
        ? `worker ${pid}`
        : /next/.test(cmd)
          ? `web ${pid}`
          : null;
      return name ? [{ name, kb, cpu: cpuSeconds(pid) }] : []; // Postgres and its backends are counted apart
    } catch {
      return [];
    }
  });
}

async function referenceCopy(url: string, file: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("DROP TABLE IF EXISTS bench_copy_reference");
    await client.query(`CREATE TABLE bench_copy_reference (external_id bigint, domain text, email text, country text,
      price numeric, rating numeric, created_at timestamptz, url text, name text, notes text)`);
    const t0 = performance.now();
    await pipeline(
      createReadStream(file),
      client.query(copyFrom("COPY bench_copy_reference FROM STDIN (FORMAT csv, HEADER true)")),
    );
    const seconds = (performance.now() - t0) / 1000;
    await client.query("DROP TABLE bench_copy_reference");
    return seconds;
  } finally {
    await client.end();
  }
}

main().catch((err: Error) => {
  console.error(`[bench] ${err.message}`);
  process.exit(1);
});
