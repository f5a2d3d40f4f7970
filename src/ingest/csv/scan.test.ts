import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom as random } from "../../../test/random";
import { CsvParser, parseCsv } from "./parser";
import { type ChunkPlan, scanChunks } from "./scan";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sluice-scan-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let files = 0;
async function fileWith(content: string | Buffer): Promise<string> {
  files += 1;
  const file = path.join(dir, `f${files}.csv`);
  await writeFile(file, content);
  return file;
}

interface Row {
  row: number;
  line: number;
  fields: string[];
}

/** Data rows of the whole file, numbered as the pipeline numbers them (1 = first row after the header). */
function wholeFileRows(text: string, delimiter: string): Row[] {
  return parseCsv(text, delimiter)
    .slice(1)
    .map((r, i) => ({ row: i + 1, line: r.line, fields: r.fields }));
}

/** Data rows as the chunk loaders see them: each chunk parsed on its own from its byte range. */
function chunkedRows(bytes: Buffer, chunks: ChunkPlan[], delimiter: string): Row[] {
  const out: Row[] = [];
  for (const c of chunks) {
    let row = c.firstRow - 1;
    let skipHeader = c.hasHeader;
    const parser = new CsvParser({ delimiter, firstLine: c.firstLine }, (fields, line) => {
      if (skipHeader) {
        skipHeader = false;
        return;
      }
      row += 1;
      out.push({ row, line, fields });
    });
    parser.push(bytes.subarray(c.start, c.end).toString("utf8"));
    parser.end();
  }
  return out;
}

function listingsLike(rows: number): string {
  const lines = ["id,name,note"];
  for (let i = 1; i <= rows; i++) {
    if (i % 7 === 0) lines.push(`${i},"Name ${i}, with comma","first line\nsecond line\r\nthird ""quoted"""`);
    else if (i % 11 === 0) lines.push(`${i},Café ${i},"a ""quote"" and é"`);
    else if (i % 13 === 0)
      lines.push(""); // a blank line: not a row
    else lines.push(`${i},plain ${i},note ${i}`);
  }
  return `${lines.join("\n")}\n`;
}

describe("scanChunks", () => {
  it("counts data rows, not the header, blank lines or newlines inside quotes", async () => {
    const content = 'a,b\n1,"x\ny"\n\n2,z\r\n\r\n3,"w"';
    const file = await fileWith(content);

    const scan = await scanChunks(file, { offset: 0, targetBytes: 1 << 20, delimiter: "," });

    expect(scan).toMatchObject({ rows: 3, bytes: content.length, unterminatedQuote: false });
    expect(scan.chunks).toEqual([
      { index: 0, start: 0, end: content.length, firstRow: 1, firstLine: 1, hasHeader: true },
    ]);
  });

  it("starts from the given offset (after a BOM)", async () => {
    const file = await fileWith(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("a,b\n1,2\n")]));

    const scan = await scanChunks(file, { offset: 3, targetBytes: 1 << 20, delimiter: "," });

    expect(scan.rows).toBe(1);
    expect(scan.chunks).toEqual([
      { index: 0, start: 3, end: 11, firstRow: 1, firstLine: 1, hasHeader: true },
    ]);
  });

  it("says when a quote is still open at the end of the file", async () => {
    const file = await fileWith('a,b\n1,"open\n2,3\n');
    expect(
      (await scanChunks(file, { offset: 0, targetBytes: 1 << 20, delimiter: "," })).unterminatedQuote,
    ).toBe(true);
  });

  it("cuts chunks only at record boundaries, so chunk-by-chunk parsing equals whole-file parsing", async () => {
    const text = listingsLike(3000);
    const bytes = Buffer.from(text);
    const file = await fileWith(bytes);
    const whole = wholeFileRows(text, ",");

    for (const targetBytes of [1, 50, 333, 1024, 4096, 65_536, 10 << 20]) {
      const scan = await scanChunks(file, { offset: 0, targetBytes, delimiter: "," });
      expect(scan.rows, `target ${targetBytes}`).toBe(whole.length);
      expect(scan.chunks[0]!.start).toBe(0);
      expect(scan.chunks.at(-1)!.end).toBe(bytes.length);
      scan.chunks.forEach((c, i) => {
        expect(c.index).toBe(i);
        if (i > 0) expect(c.start).toBe(scan.chunks[i - 1]!.end);
      });
      if (targetBytes <= 4096) expect(scan.chunks.length).toBeGreaterThan(10);
      expect(chunkedRows(bytes, scan.chunks, ","), `target ${targetBytes}`).toEqual(whole);
    }
  });

  it("never cuts inside a quoted field, even when every cut point falls inside one", async () => {
    // Each record is mostly one long quoted field full of newlines.
    const lines = ["id,body"];
    for (let i = 1; i <= 200; i++) lines.push(`${i},"${`line of record ${i}\n`.repeat(20)}end"`);
    const text = `${lines.join("\r\n")}\r\n`;
    const bytes = Buffer.from(text);
    const file = await fileWith(bytes);

    const scan = await scanChunks(file, { offset: 0, targetBytes: 4096, delimiter: "," });

    expect(scan.chunks.length).toBeGreaterThan(5);
    // The byte at start + target is a newline inside a quoted field, so the cut had to wait.
    const deferred = scan.chunks.filter((c) => bytes.subarray(c.start + 4095, c.end - 2).includes(0x0a));
    expect(deferred.length).toBeGreaterThan(0);
    expect(chunkedRows(bytes, scan.chunks, ",")).toEqual(wholeFileRows(text, ","));
  });

  it('treats a quote inside an unquoted field as text, as the parser does (5" screen)', async () => {
    const lines = ["id,name,note"];
    for (let i = 1; i <= 400; i++) {
      lines.push(i % 10 === 3 ? `${i},TV 5" screen,"quoted\nnote"` : `${i},Joe's shop ${i},n`);
    }
    const text = `${lines.join("\n")}\n`;
    const bytes = Buffer.from(text);
    const file = await fileWith(bytes);
    const whole = wholeFileRows(text, ",");

    for (const targetBytes of [100, 1000]) {
      const scan = await scanChunks(file, { offset: 0, targetBytes, delimiter: "," });
      expect(scan.rows).toBe(400);
      expect(scan.unterminatedQuote).toBe(false);
      expect(chunkedRows(bytes, scan.chunks, ","), `target ${targetBytes}`).toEqual(whole);
    }
  });

  it("knows where fields start with other delimiters too", async () => {
    const text = `id;name\n${Array.from({ length: 300 }, (_, i) => `${i + 1};"a;""b""\nc";x"y`).join("\n")}\n`;
    const bytes = Buffer.from(text);
    const file = await fileWith(bytes);

    const scan = await scanChunks(file, { offset: 0, targetBytes: 200, delimiter: ";" });

    expect(scan.rows).toBe(300);
    expect(chunkedRows(bytes, scan.chunks, ";")).toEqual(wholeFileRows(text, ";"));
  });

  it("counts a lone CR as a line end, as the parser does, inside quotes and between records", async () => {
    const lines = ["id,name,note"];
    for (let i = 1; i <= 300; i++) {
      lines.push(i % 4 === 0 ? `${i},"old\rmac",x` : i % 4 === 1 ? `${i},a,b\r${i}.5,c,d` : `${i},plain,x`);
    }
    const text = `${lines.join("\n")}\n`;
    const bytes = Buffer.from(text);
    const file = await fileWith(bytes);
    const whole = wholeFileRows(text, ",");

    for (const targetBytes of [64, 1000]) {
      const scan = await scanChunks(file, { offset: 0, targetBytes, delimiter: "," });
      expect(scan.rows).toBe(whole.length);
      expect(chunkedRows(bytes, scan.chunks, ","), `target ${targetBytes}`).toEqual(whole);
    }
  });

  it("agrees with the parser on random files, whatever the chunk size and read size", async () => {
    const next = random(7);
    const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)]!;
    const field = () =>
      pick([
        () => "",
        () => "plain",
        () => "Café",
        () => '5" TV',
        () => '"quoted, with delimiter"',
        () => '"doubled ""quotes"""',
        () => '"multi\nline"',
        () => '"crlf\r\ninside"',
        () => '"lone\rcr"',
        () => '"closed"then text',
        () => '""',
      ])();
    for (let round = 0; round < 40; round++) {
      const records: string[] = [];
      const count = 5 + Math.floor(next() * 60);
      for (let r = 0; r < count; r++) {
        const fields = Array.from({ length: 1 + Math.floor(next() * 4) }, field);
        records.push(fields.join(",") + pick(["\n", "\r\n", "\r", "\n\n", "\r\n\r\n"]));
      }
      const text = records.join("");
      const bytes = Buffer.from(text);
      const file = await fileWith(bytes);
      const whole = wholeFileRows(text, ",");
      for (const [targetBytes, readBytes] of [
        [1, 3],
        [16, 7],
        [64, 64],
        [1 << 20, 5],
      ] as const) {
        const scan = await scanChunks(file, { offset: 0, targetBytes, delimiter: ",", readBytes });
        const label = `round ${round}, target ${targetBytes}, read ${readBytes}: ${JSON.stringify(text)}`;
        expect(scan.rows, label).toBe(whole.length);
        expect(chunkedRows(bytes, scan.chunks, ","), label).toEqual(whole);
      }
    }
  });

  it("reads a file larger than its read buffer", async () => {
    const text = listingsLike(70_000);
    const file = await fileWith(text);
    const bytes = await readFile(file);
    expect(bytes.length).toBeGreaterThan(2 << 20);

    const scan = await scanChunks(file, { offset: 0, targetBytes: 512 * 1024, delimiter: "," });

    expect(scan.rows).toBe(wholeFileRows(text, ",").length);
    expect(chunkedRows(bytes, scan.chunks, ",")).toEqual(wholeFileRows(text, ","));
  });
});
