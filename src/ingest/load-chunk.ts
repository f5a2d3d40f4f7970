import { once } from "node:events";
import { createReadStream } from "node:fs";
import type { Writable } from "node:stream";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { DatasetDefinition } from "@/datasets/definition";
import { stagingTable } from "@/datasets/tables";
import { type CellCheck, compileColumn, InvalidCell } from "@/datasets/values";
import { quoteIdent } from "@/db/identifiers";
import { SHAPED_TYPES, ShapeCounter } from "@/quality/shapes";
import { copyValue } from "./copy-text";
import { isAsciiCompatible, makeDecoder } from "./csv/encoding";
import { CsvParser } from "./csv/parser";
import type { FileInfo } from "./inspect";
import type { Mapping } from "./mapping";

/**
 * Loads one byte range of an uploaded file into staging: decode, parse, map, normalise, validate,
 * then COPY valid rows into `staging.<dataset>` (tagged with batch, row and line) and rejected rows,
 * with every violation, into app.batch_rejects. Runs inside the caller's transaction, so a crash
 * leaves nothing behind and a retry starts clean. Memory stays bounded whatever the chunk's size.
 */
export interface ChunkSpec {
  batchId: string;
  start: number;
  end: number;
  firstRow: number;
  firstLine: number;
  hasHeader: boolean;
}

export interface ChunkResult {
  rows: number;
  valid: number;
  rejected: number;
  /** "column:rule" -> count */
  violations: Record<string, number>;
  /** Text shapes of the valid rows' text-like columns, for the quality report: {column: {shape: n}}. */
  shapes: Record<string, Record<string, number>>;
}

export interface Violation {
  column: string;
  rule: string;
  value: string;
  message: string;
}

const REJECTS_PER_COPY = 5_000;
const ESCAPE_FREE = new Set([
  "integer",
  "decimal",
  "boolean",
  "date",
  "timestamp",
  "email",
  "domain",
  "enum",
]);
const FLUSH_CHARS = 1 << 20;

export async function loadChunk(
  client: pg.ClientBase,
  opts: {
    def: DatasetDefinition;
    fileInfo: FileInfo;
    mapping: Mapping;
    filePath: string;
    chunk: ChunkSpec;
    onProgress?: (rows: number) => void;
  },
): Promise<ChunkResult> {
  const { def, fileInfo, mapping, chunk } = opts;
  const columns = def.columns;
  const source = columns.map((c) => mapping.indexOf(c.name));
  // Values that passed these types' checks cannot contain a tab, newline or backslash.
  const escapes = columns.map(
    (c) => !ESCAPE_FREE.has(c.type) || (c.values ?? []).some((v) => /[\\\t\n\r]/.test(v)),
  );
  const checks: CellCheck[] = columns.map((c) =>
    compileColumn(def.key.includes(c.name) ? { ...c, required: true } : c),
  );
  const headerFor = (i: number) => fileInfo.headers[i] || `column ${i + 1}`;
  const stagingCopy = `COPY ${stagingTable(def.name)} (_batch_id, _row, _line, ${columns.map((c) => quoteIdent(c.name)).join(", ")}) FROM STDIN`;
  const rejectsCopy = `COPY app.batch_rejects (batch_id, row_number, line_number, "values", violations) FROM STDIN`;

  const result: ChunkResult = { rows: 0, valid: 0, rejected: 0, violations: {}, shapes: {} };
  // Profiled while streaming: the report would otherwise run a regular expression over every row.
  const shapers = columns.map((c) => (SHAPED_TYPES.has(c.type) ? new ShapeCounter() : null));
  let row = chunk.firstRow - 1;
  let skipHeader = chunk.hasHeader;
  let pending: string[] = [];
  let pendingChars = 0;
  const out: (string | number)[] = new Array(3 + columns.length);
  out[0] = chunk.batchId;
  let rejects: string[] = [];
  const ncol = columns.length;
  const values: (string | null)[] = new Array(ncol);

  const onRecord = (fields: string[], line: number) => {
    if (skipHeader) {
      skipHeader = false;
      return;
    }
    row++;
    result.rows++;
    let violations: Violation[] | null = null;
    for (let j = 0; j < ncol; j++) {
      const src = source[j]!;
      const raw = src >= 0 ? (fields[src] ?? "") : "";
      if (raw.includes("\u0000")) {
        violations ??= [];
        violations.push({
          column: columns[j]!.name,
          rule: "encoding",
          value: raw.split("\u0000").join("\\0"),
          message: "contains a NUL character, which Postgres cannot store",
        });
        continue;
      }
      const r = checks[j]!(raw);
      if (r instanceof InvalidCell) {
        violations ??= [];
        violations.push({ column: columns[j]!.name, rule: r.rule, value: raw, message: r.message });
      } else values[j] = r;
    }
    if (!violations) {
      // One native join per row makes a flat string; piecewise += would build ropes to flatten later.
      out[1] = row;
      out[2] = line;
      for (let j = 0; j < ncol; j++) {
        const v = values[j]!;
        out[3 + j] = v === null ? "\\N" : escapes[j] ? copyValue(v) : v;
        if (v !== null) shapers[j]?.add(v);
      }
      const text = out.join("\t");
      pending.push(text);
      pendingChars += text.length + 1;
      result.valid++;
      return;
    }
    result.rejected++;
    for (const v of violations) {
      const k = `${v.column}:${v.rule}`;
      result.violations[k] = (result.violations[k] ?? 0) + 1;
    }
    const original: Record<string, string> = {};
    fields.forEach((f, i) => {
      original[mapping[i] ?? headerFor(i)] = f;
    });
    rejects.push(
      `${chunk.batchId}\t${row}\t${line}\t${copyValue(JSON.stringify(original))}\t${copyValue(JSON.stringify(violations))}\n`,
    );
  };

  const parser = new CsvParser({ delimiter: fileInfo.delimiter, firstLine: chunk.firstLine }, onRecord);
  const decoder = makeDecoder(fileInfo.encoding);
  const start = chunk.start === 0 ? fileInfo.bom : chunk.start;

  // A COPY stream's error surfaces where the stream is awaited (write, finish). Unlistened, an error
  // emitted between awaits (the server refusing a row, the CopyFail answer to destroy()) would be
  // an uncaught exception that kills the whole worker process.
  const openCopy = (sql: string): Writable => client.query(copyFrom(sql)).on("error", () => undefined);
  let staging = openCopy(stagingCopy);
  const write = async (stream: Writable, text: string) => {
    if (stream.errored) throw stream.errored;
    if (!stream.write(text)) await once(stream, "drain");
  };
  const finish = async (stream: Writable) => {
    if (stream.errored) throw stream.errored;
    stream.end();
    await once(stream, "finish");
  };
  const flushRejects = async () => {
    if (!rejects.length) return;
    const r = openCopy(rejectsCopy);
    for (let i = 0; i < rejects.length; i += 1000) await write(r, rejects.slice(i, i + 1000).join(""));
    await finish(r);
    rejects = [];
  };

  try {
    let lastProgress = Date.now();
    const file = createReadStream(opts.filePath, {
      start,
      end: isAsciiCompatible(fileInfo.encoding) ? chunk.end - 1 : undefined,
      highWaterMark: 1 << 20,
    });
    for await (const buf of file as AsyncIterable<Buffer>) {
      parser.push(decoder.decode(buf, { stream: true }));
      if (pendingChars >= FLUSH_CHARS || rejects.length >= REJECTS_PER_COPY) {
        await write(staging, `${pending.join("\n")}\n`);
        pending = [];
        pendingChars = 0;
      }
      if (rejects.length >= REJECTS_PER_COPY) {
        // One COPY at a time per connection: close this one, write the rejects, open the next.
        await finish(staging);
        await flushRejects();
        staging = openCopy(stagingCopy);
      }
      if (opts.onProgress && Date.now() - lastProgress >= 1000) {
        lastProgress = Date.now();
        opts.onProgress(result.rows);
      }
    }
    parser.push(decoder.decode());
    parser.end();
    if (pending.length) await write(staging, `${pending.join("\n")}\n`);
    await finish(staging);
    await flushRejects();
  } catch (err) {
    // Abort the COPY in progress (CopyFail) so the caller's transaction can roll back.
    staging.destroy(err as Error);
    throw err;
  }
  opts.onProgress?.(result.rows);
  shapers.forEach((sh, j) => {
    if (sh?.counts.size) result.shapes[columns[j]!.name] = Object.fromEntries(sh.counts);
  });
  return result;
}
