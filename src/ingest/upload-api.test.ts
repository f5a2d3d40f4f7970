import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { applyDataset } from "@/datasets/registry";
import { db } from "@/db/prisma";
import { makeApiKey, makeUser, setUpTestDatabase } from "../../test/database";
import {
  allBatchRows,
  applySample,
  countStaged,
  errorOf,
  filesUnder,
  finishedJob,
  getBatchRows,
  postUpload,
  setUpUploadDir,
  setUpWorker,
  uploadAccepted,
} from "../../test/ingest";
import { receiveUpload, submitUpload } from "./uploads";

/**
 * Bad input through POST /api/v1/uploads: each answered with a fitting 4xx (never a 500), or
 * accepted and then loaded or failed as a whole (never a half-visible batch).
 */
setUpTestDatabase();
const uploadDir = setUpUploadDir();
setUpWorker(2);

let key: string;
beforeAll(async () => {
  key = (await makeApiKey("analyst")).key;
  await applySample("listings");
  await applyDataset(
    {
      name: "notes",
      title: "Notes",
      key: ["id"],
      columns: [
        { name: "id", type: "integer", required: true },
        { name: "body", type: "text" },
      ],
    },
    SYSTEM,
  );
});

const HEADER = "External ID,Website,email,country,price,rating,created_at,url,name";
const row = (id: number) => `${id},shop${id}.example.com,,FR,1,1,,,Shop ${id}`;
const listingsCsv = (rows: number) =>
  [HEADER, ...Array.from({ length: rows }, (_, i) => row(i + 1))].join("\n");

const upload = (body: BodyInit | null, query: Record<string, string> = {}, contentType?: string | null) =>
  postUpload(key, body, { query: { dataset: "listings", ...query }, contentType });

/** Nothing was recorded for a refused upload: no upload row, no batch, no stored file. */
async function nothingKept(before: { uploads: number; batches: number }) {
  expect(await db().upload.count()).toBe(before.uploads);
  expect(await db().batch.count()).toBe(before.batches);
}
const counts = async () => ({ uploads: await db().upload.count(), batches: await db().batch.count() });

describe("POST /api/v1/uploads: bad input", () => {
  it("answers 400 to an empty file and keeps nothing", async () => {
    const before = await counts();
    const res = await upload("", { filename: "empty.csv" });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toEqual({ code: "BAD_REQUEST", message: "empty.csv is empty" });
    await nothingKept(before);
  });

  it("accepts a file with only a header (202); its job succeeds with 0 rows", async () => {
    const accepted = await uploadAccepted(key, "listings", `${HEADER}\r\n`);
    expect(await finishedJob(key, accepted.jobId)).toMatchObject({
      status: "succeeded",
      counts: { rows: 0, valid: 0, rejected: 0, duplicates: 0 },
    });
    expect((await allBatchRows(key, accepted.batchId)).rows).toEqual([]);
  });

  it("answers 400 to a binary file renamed .csv, saying it is binary", async () => {
    const before = await counts();
    const png = Buffer.concat([
      Buffer.from([
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
      ]),
      Buffer.alloc(2000, 7),
    ]);
    const res = await upload(png, { filename: "photo.csv" });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/^photo\.csv is not a CSV file: it contains binary data/);
    await nothingKept(before);
  });

  it("accepts an unterminated quote, then fails the job saying where, with nothing staged", async () => {
    // Several chunks, the bad quote in the last: the earlier chunks load before it is found.
    const csv = `${listingsCsv(400)}\n401,x.example.com,,FR,1,1,,,"never closed\n402,y.example.com,,FR,1,1,,,y\n`;
    vi.stubEnv("INGEST_CHUNK_BYTES", "2048");
    let accepted: Awaited<ReturnType<typeof uploadAccepted>>;
    try {
      accepted = await uploadAccepted(key, "listings", csv, { fileName: "quote.csv" });
      const job = await finishedJob(key, accepted.jobId);

      expect(job.status).toBe("failed");
      expect(job.error).toBe(
        "quote.csv: line 402, column 29: a quoted field is never closed (unterminated quote)",
      );
    } finally {
      vi.stubEnv("INGEST_CHUNK_BYTES", "");
    }
    const batch = await db().batch.findUniqueOrThrow({ where: { id: accepted.batchId } });
    expect(batch.chunksTotal).toBeGreaterThan(3);
    expect(batch.status).toBe("failed");
    expect(await countStaged("listings", accepted.batchId)).toBe(0);
    expect(await db().batchReject.count({ where: { batchId: accepted.batchId } })).toBe(0);

    const rows = await getBatchRows(key, accepted.batchId);
    expect(rows.status).toBe(409);
    expect(await errorOf(rows)).toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/is failed/),
    });
  });

  it("loads a semicolon-delimited file", async () => {
    const accepted = await uploadAccepted(key, "listings", listingsCsv(3).replaceAll(",", ";"));
    expect(await finishedJob(key, accepted.jobId)).toMatchObject({
      status: "succeeded",
      counts: { valid: 3 },
    });
  });

  it("answers 400 to duplicated header names, naming the header and its columns", async () => {
    const before = await counts();
    const res = await upload("id,name,email,name\n1,a,b,c\n", { filename: "dupes.csv" });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe(
      'dupes.csv: line 1, columns 2 and 4 have the same header "name"; rename one so each column is identified',
    );
    await nothingKept(before);
  });

  it("answers 400 to a file missing a required column, naming it, and keeps neither row nor bytes", async () => {
    const before = await counts();
    const filesBefore = await filesUnder(uploadDir());
    const res = await upload("External ID,email\n1,a@b.co\n", { filename: "nodomain.csv" });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe(
      "nodomain.csv: required column domain is missing from the header (found: External ID, email)",
    );
    await nothingKept(before);
    expect(await filesUnder(uploadDir())).toEqual(filesBefore);
  });

  it("ignores extra columns with a warning and loads the rest", async () => {
    const csv = `${HEADER},Favourite colour,Notes\n${row(1)},blue,hello\n`;
    const accepted = await uploadAccepted(key, "listings", csv);
    expect(accepted.warnings).toEqual(["Columns not in the dataset are ignored: Favourite colour, Notes"]);
    expect(await finishedJob(key, accepted.jobId)).toMatchObject({
      status: "succeeded",
      counts: { valid: 1 },
    });
    const { rows } = await allBatchRows(key, accepted.batchId);
    expect(rows).toEqual([expect.objectContaining({ external_id: 1, name: "Shop 1" })]);
    expect(Object.keys(rows[0]!)).not.toContain("Notes");
  });

  it("loads a 2 MB cell into a text column", async () => {
    const big = `${'lorem ipsum, dolor "sit" amet\n'.repeat(70_000)}`.slice(0, 2 * 1024 * 1024);
    const csv = `id,body\n1,"${big.replace(/"/g, '""')}"\n2,small\n`;
    const accepted = await uploadAccepted(key, "notes", csv);
    expect(await finishedJob(key, accepted.jobId)).toMatchObject({
      status: "succeeded",
      counts: { valid: 2 },
    });
    const { rows } = await allBatchRows(key, accepted.batchId);
    expect(rows[0]!.body).toBe(big);
    expect(rows[1]).toEqual({ id: 2, body: "small" });
  });

  it("answers 413 over the size limit, naming the limit, and leaves no file behind", async () => {
    vi.stubEnv("UPLOAD_MAX_BYTES", "1024");
    const before = await counts();
    const filesBefore = await filesUnder(uploadDir());
    try {
      const res = await upload(listingsCsv(200), { filename: "big.csv" });
      expect(res.status).toBe(413);
      expect(await errorOf(res)).toEqual({
        code: "PAYLOAD_TOO_LARGE",
        message: "The file is larger than the upload limit of 1.0 KB",
      });
    } finally {
      vi.stubEnv("UPLOAD_MAX_BYTES", "");
    }
    expect(await filesUnder(uploadDir())).toEqual(filesBefore);
    await nothingKept(before);
  });

  it("answers 404 for an unknown dataset", async () => {
    const res = await postUpload(key, listingsCsv(1), { query: { dataset: "nope" } });
    expect(res.status).toBe(404);
    expect(await errorOf(res)).toEqual({ code: "NOT_FOUND", message: 'No dataset named "nope"' });
  });

  it("answers 400 when no dataset is named", async () => {
    const res = await postUpload(key, listingsCsv(1));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toMatch(/dataset/);
  });

  it("answers 415 to a content type that is not a CSV upload", async () => {
    const res = await upload(JSON.stringify({ rows: [] }), {}, "application/json");
    expect(res.status).toBe(415);
    expect(await errorOf(res)).toEqual({
      code: "UNSUPPORTED_MEDIA_TYPE",
      message:
        'Content type "application/json" is not a CSV upload; send text/csv (the file as the body) or multipart/form-data with a "file" field',
    });
  });

  it("answers 400 to a multipart form without a file field", async () => {
    const form = new FormData();
    form.append("notes", "no file here");
    const res = await postUpload(key, form, { query: { dataset: "listings" }, contentType: null });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toBe('The multipart body has no "file" field');
  });

  it("answers 401 without an API key", async () => {
    const res = await postUpload("", listingsCsv(1), {
      query: { dataset: "listings" },
      headers: { authorization: "Bearer not-a-key" },
    });
    expect(res.status).toBe(401);
  });
});

describe("POST /api/v1/uploads: good input", () => {
  it("takes a multipart upload with the file in field `file`, named by its file name", async () => {
    const form = new FormData();
    form.append("comment", "first field is not the file");
    form.append("file", new Blob([listingsCsv(2)], { type: "text/csv" }), "from-form.csv");
    const res = await postUpload(key, form, {
      query: { dataset: "listings", priority: "high" },
      contentType: null,
    });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { jobId: string; batchId: string };

    const job = await finishedJob(key, accepted.jobId);
    expect(job).toMatchObject({ status: "succeeded", priority: "high", counts: { valid: 2 } });
    expect(job.upload).toMatchObject({ fileName: "from-form.csv" });
  });

  it("applies the mapping an analyst confirmed for a header set to the next file with those headers", async () => {
    const { actor } = await makeUser({ role: "analyst" });
    const headers = "Ref,Site,Label";
    // Nothing matches these headers by itself: without a mapping the upload is refused.
    const unmapped = await upload(`${headers}\n0,z.example.com,Zero\n`);
    expect(unmapped.status).toBe(400);
    expect((await errorOf(unmapped)).message).toMatch(/required columns external_id, domain are missing/);

    const received = await receiveUpload({
      datasetName: "listings",
      fileName: "custom.csv",
      contentType: "text/csv",
      body: Readable.from([Buffer.from(`${headers}\n1,a.example.com,First\n`)]),
      actor,
    });
    const submitted = await submitUpload(
      { uploadId: received.uploadId, mapping: ["external_id", "domain", "name"] },
      actor,
      received.fileInfo,
    );
    expect(await finishedJob(key, submitted.jobId)).toMatchObject({
      status: "succeeded",
      counts: { valid: 1 },
    });

    const next = await uploadAccepted(key, "listings", `${headers}\n2,b.example.com,Second\n`);

    expect(await finishedJob(key, next.jobId)).toMatchObject({ status: "succeeded", counts: { valid: 1 } });
    const { rows } = await allBatchRows(key, next.batchId);
    expect(rows).toEqual([
      expect.objectContaining({ external_id: 2, domain: "b.example.com", name: "Second" }),
    ]);
  });

  it("recognises the same bytes uploaded twice and names the first upload and its batch", async () => {
    const bytes = await readFile("public/samples/listings.csv");
    const first = await uploadAccepted(key, "listings", bytes, { fileName: "first.csv" });
    expect(first.duplicateOf).toBeNull();

    const second = await uploadAccepted(key, "listings", bytes, { fileName: "second.csv" });

    expect(second.sha256).toBe(first.sha256);
    expect(second.duplicateOf).toMatchObject({
      uploadId: first.uploadId,
      fileName: "first.csv",
      batchId: first.batchId,
      jobId: first.jobId,
    });
    // Told, not stopped: the second upload loads as its own batch.
    expect(second.batchId).not.toBe(first.batchId);
    expect(await finishedJob(key, second.jobId)).toMatchObject({
      status: "succeeded",
      counts: { valid: 55 },
    });
  });
});
