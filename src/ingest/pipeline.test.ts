import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { applyDataset } from "@/datasets/registry";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { makeApiKey, setUpTestDatabase } from "../../test/database";
import {
  allBatchRows,
  applySample,
  finishedJob,
  getBatchRows,
  getRejectsCsv,
  setUpUploadDir,
  setUpWorker,
  stagedRows,
  toCsv,
  uploadAccepted,
} from "../../test/ingest";
import { parseCsv } from "./csv/parser";
import { listRejects } from "./rejects";

setUpTestDatabase();
setUpUploadDir();
setUpWorker(2);

let key: string;
/** Reads rows back in clear: the listings' email is personal data, which analysts see masked. */
let operatorKey: string;
beforeAll(async () => {
  key = (await makeApiKey("analyst")).key;
  operatorKey = (await makeApiKey("operator")).key;
  await applySample("listings");
  await applyDataset(
    {
      name: "notes",
      title: "Notes",
      key: ["id"],
      columns: [
        { name: "id", type: "integer", required: true },
        { name: "body", type: "text" },
        { name: "tag", type: "text" },
      ],
    },
    SYSTEM,
  );
});

const LISTINGS_HEADER = "External ID,Website,email,country,price,rating,created_at,url,name";
const listingRow = (id: number, name = `Shop ${id}`) =>
  `${id},shop${id}.example.com,info@shop${id}.example.com,FR,10.50,4.5,2026-01-0${(id % 9) + 1}T10:00:00Z,https://shop${id}.example.com/,${name}`;

describe("the listings sample, end to end", () => {
  let accepted: Awaited<ReturnType<typeof uploadAccepted>>;
  beforeAll(async () => {
    accepted = await uploadAccepted(key, "listings", await readFile("public/samples/listings.csv"));
  });

  it("succeeds with 61 rows: 55 valid, 5 rejected, 1 duplicate", async () => {
    expect(accepted.status).toBe("queued");

    const job = await finishedJob(key, accepted.jobId);

    expect(job).toMatchObject({
      status: "succeeded",
      progress: 1,
      dataset: "listings",
      batchId: accepted.batchId,
      counts: { rows: 61, valid: 55, rejected: 5, duplicates: 1 },
      classification: { new: 55, changed: 0, unchanged: 0 },
      error: null,
    });
  });

  it("keeps each rejected row with its line number, column, rule and original value", async () => {
    const { rows } = await listRejects(accepted.batchId, { limit: 100 }, "admin");

    expect(
      rows.map((r) => ({
        row: r.rowNumber,
        line: r.lineNumber,
        problems: r.violations.map((v) => `${v.column}:${v.rule}`),
      })),
    ).toEqual([
      { row: 5, line: 6, problems: ["rating:max"] },
      { row: 10, line: 11, problems: ["email:type"] },
      { row: 15, line: 16, problems: ["country:values"] },
      { row: 20, line: 21, problems: ["domain:required"] },
      { row: 25, line: 26, problems: ["external_id:type"] },
      // After row 31's two-line name, rows sit one line further down.
      { row: 61, line: 63, problems: ["external_id:duplicate"] },
    ]);
    expect(rows[0]!.violations[0]).toMatchObject({ value: "7.5", message: "7.5 is above the maximum 5" });
    expect(rows[2]!.values).toMatchObject({ country: "ES", external_id: "15" });
    expect(rows[5]!.violations[0]!.message).toMatch(/repeats the key of row 41/);
  });

  it("serves the staged rows in source order, page by page through nextCursor", async () => {
    const first = await getBatchRows(operatorKey, accepted.batchId, "?limit=20");
    expect(first.status).toBe(200);
    const page = (await first.json()) as { columns: { name: string }[]; rows: unknown[]; nextCursor: string };
    expect(page.columns.map((c) => c.name)).toEqual([
      "external_id",
      "domain",
      "email",
      "country",
      "price",
      "rating",
      "created_at",
      "url",
      "name",
    ]);
    expect(page.rows).toHaveLength(20);
    expect(page.nextCursor).toEqual(expect.any(String));

    const { rows, pages } = await allBatchRows(operatorKey, accepted.batchId, 20);

    expect(pages).toBe(3);
    const expectedIds = Array.from({ length: 60 }, (_, i) => i + 1).filter(
      (id) => ![5, 10, 15, 20, 25].includes(id),
    );
    expect(rows.map((r) => r.external_id)).toEqual(expectedIds);
    expect(rows[0]).toMatchObject({
      external_id: 1,
      domain: "wayne1.example.com",
      email: "info@wayne1.example.com",
      country: "FR",
      price: "131.93",
      rating: "1.3",
      url: "https://wayne1.example.com/",
      name: "Wayne Books #1",
    });
    expect(
      Date.parse(
        String(rows[0]!.created_at)
          .replace(" ", "T")
          .replace(/([+-]\d\d)$/, "$1:00"),
      ),
    ).toBe(Date.parse("2026-09-11T05:30:00Z"));
    // The name column collapses whitespace, so the two-line name reads back on one line.
    expect(rows.find((r) => r.external_id === 31)!.name).toBe('Café "Le Coin", Paris second line');
  });

  it("answers 400 to a cursor it did not give out, and 404 for an unknown batch", async () => {
    expect((await getBatchRows(key, accepted.batchId, "?cursor=%%%")).status).toBe(400);
    expect((await getBatchRows(key, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });
});

describe("the domains sample, with its four-column key", () => {
  it("succeeds with 42 rows: 39 valid, 2 rejected, 1 duplicate by the whole key", async () => {
    await applySample("domains");
    const accepted = await uploadAccepted(key, "domains", await readFile("public/samples/domains.csv"));

    expect(await finishedJob(key, accepted.jobId)).toMatchObject({
      status: "succeeded",
      counts: { rows: 42, valid: 39, rejected: 2, duplicates: 1 },
    });
    const { rows } = await listRejects(accepted.batchId, { limit: 10 }, "admin");
    expect(
      rows.map((r) => [r.rowNumber, r.lineNumber, r.violations.map((v) => `${v.column}:${v.rule}`)]),
    ).toEqual([
      [17, 18, ["domain, keyword, country, device:duplicate"]],
      [41, 42, ["domain:type"]],
      [42, 43, ["keyword:required", "priority:max"]],
    ]);
    expect(rows[0]!.violations[0]).toMatchObject({
      value: "shop4.example.org, coffee beans, BR, tablet",
      message: expect.stringMatching(/repeats the key of row 5/),
    });
  });
});

describe("text read back byte for byte", () => {
  it("keeps quotes, commas, newlines, tabs, backslashes, emoji and accents exactly", async () => {
    const bodies = [
      'He said "hi", then left',
      "a,b,c",
      "line one\nline two",
      "crlf\r\ninside",
      "lone\rcarriage return",
      "🎉 party 👩‍👩‍👧 ✓",
      "Crème brûlée, façade, Ærøskøbing, 東京, Ελληνικά",
      "  padded with spaces  ",
      "tab\there",
      "back\\slash \\t \\n C:\\path",
      "\\N",
      '""',
      "=1+1",
    ];
    const csv = toCsv([["id", "body", "tag"], ...bodies.map((b, i) => [i + 1, b, `t${i + 1}`])]);
    const accepted = await uploadAccepted(key, "notes", csv);
    expect(await finishedJob(key, accepted.jobId)).toMatchObject({
      status: "succeeded",
      counts: { rows: bodies.length, valid: bodies.length, rejected: 0 },
    });

    const { rows } = await allBatchRows(key, accepted.batchId);

    expect(rows.map((r) => r.body)).toEqual(bodies);
    expect(rows.map((r) => r.id)).toEqual(bodies.map((_, i) => i + 1));
  });
});

describe("files the pipeline must decode and split", () => {
  /**
   * A file whose body column holds multi-line quoted text, with a stray quote now and then, and
   * old Mac line ends (a lone CR) inside quotes and between records.
   */
  function multiLineFile(rows: number): string {
    let text = "id,body,tag\n";
    for (let i = 1; i <= rows; i++) {
      const body =
        i % 3 === 0
          ? `"Row ${i}, first line\nsecond line\r\nthird ""quoted"" line"`
          : i % 5 === 0
            ? `TV 5" screen ${i}`
            : i % 7 === 0
              ? `"old\rmac ${i}"`
              : `plain ${i}`;
      text += `${i},${body},t${i % 7}${i % 11 === 0 ? "\r" : "\n"}`;
    }
    return text;
  }

  it("loads exactly the same rows in many chunks as in one, with quoted newlines across chunk boundaries", async () => {
    const csv = Buffer.from(multiLineFile(1500));

    const single = await uploadAccepted(key, "notes", csv, { fileName: "single.csv" });
    await finishedJob(key, single.jobId);
    vi.stubEnv("INGEST_CHUNK_BYTES", "4096");
    let chunked: Awaited<ReturnType<typeof uploadAccepted>>;
    try {
      chunked = await uploadAccepted(key, "notes", csv, { fileName: "chunked.csv" });
      expect(await finishedJob(key, chunked.jobId)).toMatchObject({
        status: "succeeded",
        counts: { rows: 1500, valid: 1500, rejected: 0, duplicates: 0 },
      });
    } finally {
      vi.stubEnv("INGEST_CHUNK_BYTES", "");
    }

    const batches = await db().batch.findMany({
      where: { id: { in: [single.batchId, chunked.batchId] } },
      include: { chunks: { orderBy: { index: "asc" } } },
    });
    const one = batches.find((b) => b.id === single.batchId)!;
    const many = batches.find((b) => b.id === chunked.batchId)!;
    expect(one.chunksTotal).toBe(1);
    expect(many.chunksTotal).toBeGreaterThan(10);
    // Somewhere the 4096th byte of a chunk fell inside a quoted field, and the cut waited past its newlines.
    const straddling = many.chunks.filter((c) =>
      csv.subarray(Number(c.startByte) + 4095, Number(c.endByte) - 1).includes(0x0a),
    );
    expect(straddling.length).toBeGreaterThan(0);

    const a = await stagedRows("notes", single.batchId);
    const b = await stagedRows("notes", chunked.batchId);
    expect(b).toHaveLength(1500);
    expect(b).toEqual(a);
    expect(b[2]).toEqual({
      _row: 3,
      _line: 4,
      id: "3",
      body: 'Row 3, first line\nsecond line\r\nthird "quoted" line',
      tag: "t3",
    });
    expect(b.at(-1)).toMatchObject({ _row: 1500, id: "1500" });
  });

  it("loads a semicolon-delimited file", async () => {
    const csv = [
      LISTINGS_HEADER.replaceAll(",", ";"),
      listingRow(1).replaceAll(",", ";"),
      `2;b.example.com;;DE;3.5;2;;;"Name; with semicolon"`,
    ].join("\r\n");

    const accepted = await uploadAccepted(key, "listings", csv, { fileName: "semicolons.csv" });

    expect(await finishedJob(key, accepted.jobId)).toMatchObject({
      status: "succeeded",
      counts: { valid: 2 },
    });
    const { rows } = await allBatchRows(key, accepted.batchId);
    expect(rows.map((r) => [r.external_id, r.domain, r.price, r.name])).toEqual([
      [1, "shop1.example.com", "10.50", "Shop 1"],
      [2, "b.example.com", "3.5", "Name; with semicolon"],
    ]);
    const batch = await db().batch.findUniqueOrThrow({ where: { id: accepted.batchId } });
    expect(batch.fileInfo).toMatchObject({ delimiter: ";", encoding: "utf-8", bom: 0 });
  });

  it("loads a UTF-8 file with a BOM, whose first header then maps as usual", async () => {
    const csv = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`${LISTINGS_HEADER}\n${listingRow(1, "Crème")}\n`),
    ]);

    const accepted = await uploadAccepted(key, "listings", csv, { fileName: "bom.csv" });

    expect(await finishedJob(key, accepted.jobId)).toMatchObject({
      status: "succeeded",
      counts: { valid: 1 },
    });
    const { rows } = await allBatchRows(key, accepted.batchId);
    expect(rows).toEqual([expect.objectContaining({ external_id: 1, name: "Crème" })]);
  });

  it("loads a UTF-16LE file", async () => {
    const text = `${LISTINGS_HEADER}\r\n${listingRow(1, "Zoë's Café 東京")}\r\n${listingRow(2, '"Multi\r\nline"')}\r\n`;
    const csv = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);

    const accepted = await uploadAccepted(key, "listings", csv, { fileName: "utf16.csv" });

    expect(await finishedJob(key, accepted.jobId)).toMatchObject({
      status: "succeeded",
      counts: { valid: 2 },
    });
    const { rows } = await allBatchRows(key, accepted.batchId);
    expect(rows.map((r) => r.name)).toEqual(["Zoë's Café 東京", "Multi line"]);
    expect(rows[1]!.external_id).toBe(2);
  });

  it("decodes a Windows-1252 file: é, €, curly quotes", async () => {
    // "Café “Le Coin” 5€" in Windows-1252.
    const name = Buffer.from([
      ...Buffer.from("Caf"),
      0xe9,
      0x20,
      0x93,
      ...Buffer.from("Le Coin"),
      0x94,
      0x20,
      0x35,
      0x80,
    ]);
    const csv = Buffer.concat([
      Buffer.from(`${LISTINGS_HEADER}\n${listingRow(1, "")}`),
      name,
      Buffer.from("\n"),
    ]);

    const accepted = await uploadAccepted(key, "listings", csv, { fileName: "ansi.csv" });

    expect(await finishedJob(key, accepted.jobId)).toMatchObject({
      status: "succeeded",
      counts: { valid: 1 },
    });
    const { rows } = await allBatchRows(key, accepted.batchId);
    expect(rows[0]!.name).toBe("Café \u201cLe Coin\u201d 5€");
    const batch = await db().batch.findUniqueOrThrow({ where: { id: accepted.batchId } });
    expect(batch.fileInfo).toMatchObject({ encoding: "windows-1252" });
  });

  it("decodes a Windows-1252 file whose first accented letter comes after the first 256 KB", async () => {
    const ascii = Array.from({ length: 3000 }, (_, i) => listingRow(i + 1)).join("\n");
    expect(ascii.length).toBeGreaterThan(256 * 1024);
    const csv = Buffer.concat([
      Buffer.from(`${LISTINGS_HEADER}\n${ascii}\n${listingRow(3001, "")}`),
      Buffer.from([0x43, 0x61, 0x66, 0xe9]), // "Café"
      Buffer.from("\n"),
    ]);

    const accepted = await uploadAccepted(key, "listings", csv, { fileName: "late-ansi.csv" });

    expect(await finishedJob(key, accepted.jobId)).toMatchObject({
      status: "succeeded",
      counts: { valid: 3001 },
    });
    const { rows } = await pool().query(
      "SELECT name FROM staging.listings WHERE _batch_id = $1 AND _row = 3001",
      [accepted.batchId],
    );
    expect(rows[0].name).toBe("Café");
  });
});

describe("values Postgres would refuse", () => {
  it("rejects those rows with the rule they break, instead of failing the whole load", async () => {
    const csv = [
      LISTINGS_HEADER,
      listingRow(1),
      "2,b.example.com,,FR,1e999999,1,,,year zero",
      "3,c.example.com,,FR,1,1,0000-01-01T00:00:00Z,,year zero",
      "4,d.example.com,,FR,1,1,2026-01-01T00:00:00+16:00,,zone too far",
      "5,e.example.com,,FR,0.5e-99999,1,,,too small",
      "-9223372036854775808,f.example.com,,FR,1,1,,,lowest key",
    ].join("\n");

    const accepted = await uploadAccepted(key, "listings", csv, { fileName: "edges.csv" });

    expect(await finishedJob(key, accepted.jobId)).toMatchObject({
      status: "succeeded",
      counts: { rows: 6, valid: 2, rejected: 4 },
    });
    const { rows } = await listRejects(accepted.batchId, { limit: 10 }, "admin");
    expect(rows.map((r) => [r.rowNumber, r.violations.map((v) => `${v.column}:${v.rule}`)])).toEqual([
      [2, ["price:type"]],
      [3, ["created_at:type"]],
      [4, ["created_at:type"]],
      [5, ["price:type"]],
    ]);
    const staged = await allBatchRows(key, accepted.batchId);
    expect(staged.rows.map((r) => r.external_id)).toEqual([1, "-9223372036854775808"]);
  });
});

describe("rejects.csv", () => {
  it("has the original cells and the reasons, and defuses cells that would run as formulas", async () => {
    const csv = [
      LISTINGS_HEADER,
      listingRow(1),
      `2,b.example.com,not-an-email,FR,1,9,,,"=HYPERLINK(""http://evil.example"",""click"")"`,
      `3,c.example.com,,XX,1,1,,,+SUM(A1:A9)`,
      `4,,,,-1,,,,@cmd`,
    ].join("\n");
    const accepted = await uploadAccepted(key, "listings", csv, { fileName: "bad rows.csv" });
    expect(await finishedJob(key, accepted.jobId)).toMatchObject({
      status: "succeeded",
      counts: { rows: 4, valid: 1, rejected: 3 },
    });

    const res = await getRejectsCsv(operatorKey, accepted.batchId);

    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="bad_rows-rejects.csv"');
    const records = parseCsv(await res.text()).map((r) => r.fields);
    expect(records[0]).toEqual([
      "row",
      "line",
      ...LISTINGS_HEADER.split(","),
      "rejected_columns",
      "rejected_rules",
      "rejected_reasons",
    ]);
    expect(records).toHaveLength(4);
    const [two, three, four] = records.slice(1);
    expect(two!.slice(0, 3)).toEqual(["2", "3", "2"]);
    expect(two![10]).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(two!.slice(11)).toEqual([
      "email; rating",
      "type; max",
      '"not-an-email" is not an email address; 9 is above the maximum 5',
    ]);
    expect(three![10]).toBe("'+SUM(A1:A9)");
    expect(three!.slice(11, 13)).toEqual(["country", "values"]);
    expect(four![10]).toBe("'@cmd");
    expect(four![6]).toBe("'-1");
    expect(four!.slice(11, 13)).toEqual(["domain; price", "required; min"]);
  });
});
