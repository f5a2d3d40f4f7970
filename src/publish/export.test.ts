import { readFileSync } from "node:fs";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { beforeAll, describe, expect, it } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { applyDataset } from "@/datasets/registry";
import { pool } from "@/db/pool";
import { promoteBatch } from "@/promotion/promote";
import { createCaller } from "@/server/api/root";
import * as batchExportRoute from "../../app/api/v1/batches/[id]/export/route";
import * as qualityRoute from "../../app/api/v1/batches/[id]/quality/route";
import * as datasetExportRoute from "../../app/api/v1/datasets/[name]/export/route";
import * as productionRowsRoute from "../../app/api/v1/datasets/[name]/rows/route";
import { type ApiKeyActor, makeApiKey, setUpTestDatabase } from "../../test/database";
import {
  allBatchRows,
  finishedJob,
  getBatchRows,
  getRejectsCsv,
  promotableJob,
  setUpUploadDir,
  setUpWorker,
  toCsv,
  uploadAccepted,
} from "../../test/ingest";
import { restGet as get } from "../../test/rest";

setUpTestDatabase();
setUpUploadDir();
setUpWorker();

const listings = JSON.parse(readFileSync("src/datasets/samples/listings.json", "utf8"));
const header = ["external_id", "domain", "email", "country", "price", "rating", "created_at", "url", "name"];

let admin: { key: string; actor: ApiKeyActor };
let operator: { key: string; actor: ApiKeyActor };
let analyst: { key: string; actor: ApiKeyActor };
let batchId: string;

const ROWS = [
  header,
  [
    1,
    "a.example.com",
    "ana@a.example.com",
    "US",
    "10.50",
    "4.5",
    "2026-01-02T03:04:05.123456Z",
    "https://a.example.com/",
    '=HYPERLINK("http://evil")',
  ],
  [2, "b.example.com", "", "DE", "1234567.25", "", "", "", 'Comma, "quoted"\nand a newline'],
  [3, "c.example.com", "cy@c.example.com", "FR", "0", "0", "2026-06-30T23:59:59Z", "", "+SUM(A1)"],
  // Rejected: a bad email, so the rejects carry a personal value too.
  [4, "d.example.com", "not-an-email", "US", "1", "1", "", "", "Dee"],
];

beforeAll(async () => {
  admin = await makeApiKey("admin");
  operator = await makeApiKey("operator");
  analyst = await makeApiKey("analyst");
  await applyDataset({ ...listings, name: "people", title: "People" }, SYSTEM);
  const accepted = await uploadAccepted(admin.key, "people", toCsv(ROWS as (string | number)[][]), {
    fileName: "people.csv",
  });
  expect((await promotableJob(admin.key, accepted.jobId)).status).toBe("succeeded");
  batchId = accepted.batchId;
  // The rows carry defects on purpose (a rejected email), so the gate needs an admin's override.
  await promoteBatch(batchId, admin.actor, { overrideReason: "export test: its defects are the point" });
});

async function download(kind: "dataset" | "batch", format: string, key: string): Promise<Response> {
  return kind === "dataset"
    ? get(datasetExportRoute, `/api/v1/datasets/people/export?format=${format}`, { name: "people" }, key)
    : get(batchExportRoute, `/api/v1/batches/${batchId}/export?format=${format}`, { id: batchId }, key);
}

describe("exporting production and batches", () => {
  it("writes CSV with a header, RFC 4180 quoting, empty nulls and formula-looking cells defused", async () => {
    const res = await download("dataset", "csv", admin.key);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="people-production-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const text = await res.text();
    const lines = text.split("\r\n");
    expect(lines[0]).toBe(header.join(","));
    expect(lines[1]).toBe(
      `1,a.example.com,ana@a.example.com,US,10.50,4.5,2026-01-02 03:04:05.123456+00,https://a.example.com/,"'=HYPERLINK(""http://evil"")"`,
    );
    expect(text).toContain('2,b.example.com,,DE,1234567.25,,,,"Comma, ""quoted"" and a newline"');
    expect(lines[3]).toMatch(/,'\+SUM\(A1\)$/);
    expect(lines.at(-1)).toBe("");
    expect(lines).toHaveLength(5);
  });

  it("writes JSON Lines with integers and booleans typed and other values as stored", async () => {
    const res = await download("batch", "jsonl", admin.key);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const rows = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      external_id: 1,
      domain: "a.example.com",
      email: "ana@a.example.com",
      country: "US",
      price: "10.50",
      rating: "4.5",
      created_at: "2026-01-02 03:04:05.123456+00",
      url: "https://a.example.com/",
      name: '=HYPERLINK("http://evil")',
    });
    expect(rows[1]).toMatchObject({
      external_id: 2,
      email: null,
      rating: null,
      name: 'Comma, "quoted" and a newline',
    });
    // The same rows as the row API gives them, in source order.
    const api = await allBatchRows(admin.key, batchId);
    expect(rows).toEqual(api.rows);
  });

  it("writes Parquet that reads back with its types and values", async () => {
    const res = await download("dataset", "parquet", admin.key);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.apache.parquet");
    const file = await res.arrayBuffer();
    const meta = parquetMetadata(file);
    expect(Number(meta.num_rows)).toBe(3);
    expect(meta.schema.slice(1).map((s) => [s.name, s.type, s.converted_type])).toEqual([
      ["external_id", "INT64", undefined],
      ["domain", "BYTE_ARRAY", "UTF8"],
      ["email", "BYTE_ARRAY", "UTF8"],
      ["country", "BYTE_ARRAY", "UTF8"],
      ["price", "DOUBLE", undefined],
      ["rating", "DOUBLE", undefined],
      ["created_at", "INT64", "TIMESTAMP_MICROS"],
      ["url", "BYTE_ARRAY", "UTF8"],
      ["name", "BYTE_ARRAY", "UTF8"],
    ]);
    const rows = await parquetReadObjects({ file });
    expect(rows[0]).toEqual({
      external_id: 1n,
      domain: "a.example.com",
      email: "ana@a.example.com",
      country: "US",
      price: 10.5,
      rating: 4.5,
      created_at: new Date("2026-01-02T03:04:05.123Z"),
      url: "https://a.example.com/",
      name: '=HYPERLINK("http://evil")',
    });
    expect(rows[1]).toMatchObject({
      external_id: 2n,
      email: null,
      price: 1234567.25,
      rating: null,
      created_at: null,
    });
  });

  it("refuses a caller without a valid key (401)", async () => {
    const res = await get(
      datasetExportRoute,
      "/api/v1/datasets/people/export",
      { name: "people" },
      "sk_not_a_key",
    );
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("UNAUTHORIZED");
  });

  it("answers 400 for an unknown format, 404 for an unknown dataset or batch", async () => {
    const bad = await download("dataset", "xlsx", analyst.key);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/format must be one of csv, jsonl, parquet/);
    const none = await get(datasetExportRoute, "", { name: "nothing_here" }, analyst.key);
    expect(none.status).toBe(404);
    const missing = "00000000-0000-4000-8000-000000000000";
    expect((await get(batchExportRoute, "", { id: missing }, analyst.key)).status).toBe(404);
  });

  it("streams a million rows without holding them: memory stays far below the file's size", async () => {
    await applyDataset(
      {
        name: "big",
        title: "Big",
        key: ["id"],
        columns: [
          { name: "id", type: "integer" },
          { name: "label", type: "text" },
          { name: "amount", type: "decimal" },
        ],
      },
      SYSTEM,
    );
    await pool().query(
      `INSERT INTO production.big (id, label, amount, _batch_id, _hash)
       SELECT g, 'row ' || g || ' ' || repeat('x', 100), g / 100.0, gen_random_uuid(), '' FROM generate_series(1, 1000000) g`,
    );
    global.gc?.();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let bytes = 0;
    let newlines = 0;
    const started = Date.now();
    const res = await get(
      datasetExportRoute,
      "/api/v1/datasets/big/export?format=csv",
      { name: "big" },
      analyst.key,
    );
    const reader = res.body!.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (let i = 0; i < value.length; i++) if (value[i] === 10) newlines += 1;
      peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `exported 1,000,000 rows as CSV: ${(bytes / 1e6).toFixed(0)} MB in ${seconds.toFixed(1)} s; heap grew at most ${(peak / 1e6).toFixed(0)} MB`,
    );
    expect(newlines).toBe(1_000_001);
    expect(bytes).toBeGreaterThan(120e6);
    expect(peak).toBeLessThan(bytes / 2);
  }, 180_000);

  it("writes the same million rows as Parquet in 50,000-row groups that read back", async () => {
    const started = Date.now();
    const res = await get(
      datasetExportRoute,
      "/api/v1/datasets/big/export?format=parquet",
      { name: "big" },
      admin.key,
    );
    const file = await res.arrayBuffer();
    console.log(
      `exported 1,000,000 rows as Parquet: ${(file.byteLength / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const meta = parquetMetadata(file);
    expect(Number(meta.num_rows)).toBe(1_000_000);
    expect(meta.row_groups).toHaveLength(20);
    const tail = await parquetReadObjects({ file, rowStart: 999_998, rowEnd: 1_000_000 });
    expect(tail).toEqual([
      { id: 999_999n, label: `row 999999 ${"x".repeat(100)}`, amount: 9999.99 },
      { id: 1_000_000n, label: `row 1000000 ${"x".repeat(100)}`, amount: 10000 },
    ]);
  }, 180_000);
});

describe("personal data (pii columns) is masked for analysts at every door", () => {
  it("in exports of every format, and operators and admins see it", async () => {
    const csv = await (await download("dataset", "csv", analyst.key)).text();
    expect(csv).not.toContain("ana@a.example.com");
    expect(csv.split("\r\n")[1]).toContain(",***,");
    const jsonl = (await (await download("batch", "jsonl", analyst.key)).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(jsonl.map((r) => r.email)).toEqual(["***", null, "***"]);
    const parquet = await parquetReadObjects({
      file: await (await download("dataset", "parquet", analyst.key)).arrayBuffer(),
    });
    expect(parquet.map((r) => r.email)).toEqual(["***", null, "***"]);
    for (const key of [operator.key, admin.key]) {
      expect(await (await download("dataset", "csv", key)).text()).toContain("ana@a.example.com");
    }
  });

  it("in the production and batch row APIs (REST and tRPC), which also refuse to sort or filter by it", async () => {
    const prod = await (
      await get(productionRowsRoute, "/api/v1/datasets/people/rows", { name: "people" }, analyst.key)
    ).json();
    expect(prod.rows.map((r: { email: unknown }) => r.email)).toEqual(["***", null, "***"]);
    expect(prod.columns.find((c: { name: string }) => c.name === "email")).toEqual({
      name: "email",
      type: "email",
      masked: true,
    });
    const staged = await (await getBatchRows(analyst.key, batchId)).json();
    expect(staged.rows[0].email).toBe("***");
    expect((await (await getBatchRows(operator.key, batchId)).json()).rows[0].email).toBe(
      "ana@a.example.com",
    );

    const filtered = await get(
      productionRowsRoute,
      "/api/v1/datasets/people/rows?filter[email]=ana",
      { name: "people" },
      analyst.key,
    );
    expect(filtered.status).toBe(403);
    expect((await filtered.json()).error.message).toMatch(/Cannot filter by "email": it holds personal data/);
    const sorted = await getBatchRows(analyst.key, batchId, "?sort=email");
    expect(sorted.status).toBe(403);

    const asAnalyst = createCaller({ actor: analyst.actor });
    expect((await asAnalyst.datasets.rows({ name: "people" })).rows[0]!.email).toBe("***");
    expect((await asAnalyst.batches.rows({ batchId })).rows[0]!.email).toBe("***");
    const asAdmin = createCaller({ actor: admin.actor });
    expect((await asAdmin.datasets.rows({ name: "people" })).rows[0]!.email).toBe("ana@a.example.com");
  });

  it("in rejected rows, their CSV and the quality report's profiles", async () => {
    const asAnalyst = createCaller({ actor: analyst.actor });
    const rejects = await asAnalyst.batches.rejects({ batchId });
    expect(rejects.rows[0]!.values.email).toBe("***");
    expect(rejects.rows[0]!.violations[0]).toMatchObject({ column: "email", value: "***" });
    expect(JSON.stringify(rejects)).not.toContain("not-an-email");
    const asOperator = createCaller({ actor: operator.actor });
    expect((await asOperator.batches.rejects({ batchId })).rows[0]!.values.email).toBe("not-an-email");

    const csv = await (await getRejectsCsv(analyst.key, batchId)).text();
    expect(csv).not.toContain("not-an-email");
    expect(csv).toContain("***");
    expect(await (await getRejectsCsv(admin.key, batchId)).text()).toContain("not-an-email");

    const report = await (await get(qualityRoute, "", { id: batchId }, analyst.key)).json();
    const email = report.profiles.find((p: { column: string }) => p.column === "email");
    expect(email.top.map((t: { value: string }) => t.value)).toEqual(["***", "***"]);
    const domain = report.profiles.find((p: { column: string }) => p.column === "domain");
    expect(domain.top.map((t: { value: string }) => t.value)).toContain("a.example.com");
    const full = await (await get(qualityRoute, "", { id: batchId }, admin.key)).json();
    expect(JSON.stringify(full.profiles)).toContain("ana@a.example.com");
  });

  it("in the promotion preview's changed rows and in a production row's lineage", async () => {
    const next = await uploadAccepted(
      admin.key,
      "people",
      toCsv([header, [1, "a.example.com", "ana.new@a.example.com", "US", "11.00", "4.5", "", "", "Renamed"]]),
    );
    await finishedJob(admin.key, next.jobId);
    const { previewPromotion } = await import("@/promotion/preview");
    const asAnalyst = await previewPromotion(next.batchId, "analyst");
    expect(asAnalyst.sampleChanged[0]).toMatchObject({ before: { email: "***" }, after: { email: "***" } });
    expect(JSON.stringify(asAnalyst)).not.toContain("ana.new@");
    const asAdmin = await createCaller({ actor: admin.actor }).promotions.preview({ batchId: next.batchId });
    expect(asAdmin.sampleChanged[0]).toMatchObject({ after: { email: "ana.new@a.example.com" } });
    // The preview procedure itself is an admin's.
    await expect(
      createCaller({ actor: analyst.actor }).promotions.preview({ batchId: next.batchId }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });

    const lineage = await createCaller({ actor: analyst.actor }).datasets.rowLineage({
      name: "people",
      key: { external_id: 1 },
    });
    expect(lineage.row?.values.email).toBe("***");
  });
});
