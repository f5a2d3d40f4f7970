import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, vi } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { applyDataset } from "@/datasets/registry";
import { quoteIdent } from "@/db/identifiers";
import { pool } from "@/db/pool";
import type { JobView } from "@/queue/job-view";
import * as rejectsRoute from "../app/api/v1/batches/[id]/rejects.csv/route";
import * as batchRowsRoute from "../app/api/v1/batches/[id]/rows/route";
import * as jobRoute from "../app/api/v1/jobs/[id]/route";
import * as uploadsRoute from "../app/api/v1/uploads/route";
import { type SluiceWorker, startWorker } from "../workers/worker";

/**
 * Helpers for ingestion tests: a private upload directory, uploads through the real REST handler,
 * a real Graphile Worker in this process, and reading the outcome back the way a client would.
 */

/** Points UPLOAD_DIR at a fresh temp directory for this test file; returns a getter for it. */
export function setUpUploadDir(): () => string {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "sluice-uploads-"));
    vi.stubEnv("UPLOAD_DIR", dir);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });
  return () => dir;
}

/** A worker running Sluice's tasks in this process for the whole file. Call after setUpTestDatabase(). */
export function setUpWorker(concurrency = 2): () => SluiceWorker {
  let worker: SluiceWorker | undefined;
  beforeAll(async () => {
    worker = await startWorker({ pool: pool(), concurrency, version: "test" });
  });
  afterAll(async () => {
    await worker?.stop();
  });
  return () => worker!;
}

/** Every file under dir, relative. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

export async function applySample(name: "listings" | "domains"): Promise<void> {
  const def = (await import(`@/datasets/samples/${name}.json`)).default;
  await applyDataset(def, SYSTEM);
}

const BASE = "http://localhost:3000";

export function uploadRequest(
  key: string,
  body: BodyInit | null,
  opts: {
    query?: Record<string, string>;
    contentType?: string | null;
    headers?: Record<string, string>;
  } = {},
): Request {
  const headers: Record<string, string> = { authorization: `Bearer ${key}`, ...opts.headers };
  if (opts.contentType !== null) headers["content-type"] = opts.contentType ?? "text/csv";
  const query = new URLSearchParams(opts.query ?? {});
  return new Request(`${BASE}/api/v1/uploads?${query}`, {
    method: "POST",
    headers,
    body,
    duplex: "half",
  } as RequestInit);
}

/** POST /api/v1/uploads, as automation calls it. */
export function postUpload(
  key: string,
  body: BodyInit | null,
  opts: Parameters<typeof uploadRequest>[2] = {},
): Promise<Response> {
  return uploadsRoute.POST(uploadRequest(key, body, opts), { params: Promise.resolve({}) });
}

export interface Accepted {
  jobId: string;
  batchId: string;
  status: string;
  uploadId: string;
  sha256: string;
  bytes: number;
  duplicateOf: { uploadId: string; batchId: string | null; jobId: string | null; fileName: string } | null;
  warnings: string[];
}

/** Uploads a file that must be accepted (202), into `dataset`. */
export async function uploadAccepted(
  key: string,
  dataset: string,
  body: BodyInit,
  opts: { fileName?: string; contentType?: string } = {},
): Promise<Accepted> {
  const res = await postUpload(key, body, {
    query: { dataset, filename: opts.fileName ?? `${dataset}.csv` },
    contentType: opts.contentType,
  });
  const json = await res.json();
  expect(res.status, JSON.stringify(json)).toBe(202);
  return json as Accepted;
}

export async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

const idParams = (id: string) => ({ params: Promise.resolve({ id }) });
const authed = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

/** GET /api/v1/jobs/{id}. */
export async function getJob(key: string, jobId: string): Promise<JobView> {
  const res = await jobRoute.GET(new Request(`${BASE}/api/v1/jobs/${jobId}`, authed(key)), idParams(jobId));
  expect(res.status).toBe(200);
  return (await res.json()) as JobView;
}

/** Waits until the job has finished (succeeded or failed) and answers it as the API shows it. */
export async function finishedJob(key: string, jobId: string, timeout = 20_000): Promise<JobView> {
  return vi.waitFor(
    async () => {
      const job = await getJob(key, jobId);
      expect(["succeeded", "failed", "cancelled"]).toContain(job.status);
      return job;
    },
    { timeout, interval: 100 },
  );
}

/**
 * Like finishedJob, and a load that succeeded also has its quality report (a follow-up task the
 * worker runs just after): promotion's gate needs it.
 */
export async function promotableJob(key: string, jobId: string, timeout = 20_000): Promise<JobView> {
  return vi.waitFor(
    async () => {
      const job = await getJob(key, jobId);
      expect(["succeeded", "failed", "cancelled"]).toContain(job.status);
      if (job.status === "succeeded" && job.batchId) expect(job.qualityScore).not.toBeNull();
      return job;
    },
    { timeout, interval: 100 },
  );
}

/**
 * Until no job is running or due: the follow-ups of a load (quality report, auto-promotion) and
 * anything else the worker picked up have finished.
 */
export async function queueIdle(timeout = 30_000): Promise<void> {
  await vi.waitFor(
    async () => {
      const { rows } = await pool().query<{ n: number }>(
        `SELECT count(*)::int AS n FROM graphile_worker.jobs
          WHERE locked_at IS NOT NULL OR (run_at <= now() AND attempts < max_attempts)`,
      );
      expect(rows[0]!.n).toBe(0);
    },
    { timeout, interval: 100 },
  );
}

export function getBatchRows(key: string, batchId: string, query = ""): Promise<Response> {
  return batchRowsRoute.GET(
    new Request(`${BASE}/api/v1/batches/${batchId}/rows${query}`, authed(key)),
    idParams(batchId),
  );
}

/** Every staged row of a batch, page by page through nextCursor. */
export async function allBatchRows(
  key: string,
  batchId: string,
  limit = 1000,
): Promise<{ rows: Record<string, unknown>[]; pages: number }> {
  const rows: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const res = await getBatchRows(key, batchId, query);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { rows: Record<string, unknown>[]; nextCursor: string | null };
    rows.push(...page.rows);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor);
  return { rows, pages };
}

export function getRejectsCsv(key: string, batchId: string): Promise<Response> {
  return rejectsRoute.GET(
    new Request(`${BASE}/api/v1/batches/${batchId}/rejects.csv`, authed(key)),
    idParams(batchId),
  );
}

/** A batch's rows as staged, with Sluice's row and line numbers, straight from the table. */
export async function stagedRows(dataset: string, batchId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await pool().query(
    `SELECT * FROM staging.${quoteIdent(dataset)} WHERE _batch_id = $1 ORDER BY _row`,
    [batchId],
  );
  return rows.map(({ _batch_id: _b, ...row }) => row);
}

export async function countStaged(dataset: string, batchId: string): Promise<number> {
  const { rows } = await pool().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM staging.${quoteIdent(dataset)} WHERE _batch_id = $1`,
    [batchId],
  );
  return rows[0]!.n;
}

/** RFC 4180 output: every field quoted, quotes doubled. */
export function toCsv(rows: (string | number)[][], lineEnd = "\r\n", delimiter = ","): string {
  return rows
    .map((r) => r.map((v) => `"${String(v).replace(/"/g, '""')}"`).join(delimiter))
    .join(lineEnd)
    .concat(lineEnd);
}
