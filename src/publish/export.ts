import { StringDecoder } from "node:string_decoder";
import { ByteWriter, ParquetWriter, type SchemaElement } from "hyparquet-writer";
import { to as copyTo } from "pg-copy-streams";
import { z } from "zod";
import type { Role } from "@/auth/roles";
import type { ColumnDefinition, DatasetDefinition } from "@/datasets/definition";
import { maskedColumns, selectColumnSql } from "@/datasets/pii";
import { getDataset, parseDefinition } from "@/datasets/registry";
import { productionTable, stagingTable } from "@/datasets/tables";
import { quoteIdent } from "@/db/identifiers";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { decodeCopyLine } from "@/ingest/copy-text";
import { csvCell } from "@/ingest/rejects";
import { AppError } from "@/server/errors";

/**
 * Publishing: a production dataset or a staged batch downloaded as CSV, JSON Lines or Parquet,
 * streamed. Postgres writes the rows with `COPY (SELECT …) TO STDOUT` (one snapshot, no cursor
 * round trips); they are decoded and re-encoded a chunk at a time with backpressure, so a million
 * rows pass through without ever being held at once (Parquet holds one row group). Personal data is
 * masked in the SELECT itself for roles that see it masked (src/datasets/pii.ts).
 */
export const EXPORT_FORMATS = ["csv", "jsonl", "parquet"] as const;
export const exportFormatSchema = z.enum(EXPORT_FORMATS, {
  error: () => `format must be one of ${EXPORT_FORMATS.join(", ")}`,
});
export type ExportFormat = z.infer<typeof exportFormatSchema>;

export interface ExportDownload {
  fileName: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
}

const CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
  parquet: "application/vnd.apache.parquet",
};

/** Rows per Parquet row group: big enough for good compression, small enough to hold in memory. */
const PARQUET_ROW_GROUP = 50_000;

export async function exportProduction(name: string, format: ExportFormat, viewer: Role) {
  const { definition: def } = await getDataset(name);
  const order = def.key.length ? def.key.map(quoteIdent).join(", ") : "_id";
  const stamp = new Date().toISOString().slice(0, 10);
  return exportRows({
    def,
    format,
    viewer,
    from: `${productionTable(def.name)} WHERE TRUE`,
    order,
    fileName: `${def.name}-production-${stamp}.${format}`,
  });
}

export async function exportBatch(batchId: string, format: ExportFormat, viewer: Role) {
  const batch = await db().batch.findUnique({ where: { id: batchId }, include: { dataset: true } });
  if (!batch) throw new AppError("NOT_FOUND", `No batch ${batchId}`);
  if (batch.status !== "staged") {
    throw new AppError(
      "CONFLICT",
      `Batch ${batchId} is ${batch.status}; it can be exported once it is staged`,
    );
  }
  const def = parseDefinition(batch.dataset.definition);
  return exportRows({
    def,
    format,
    viewer,
    // COPY takes no bind parameters: the batch id travels as a transaction-local setting instead.
    from: `${stagingTable(def.name)} WHERE _batch_id = current_setting('sluice.export_batch')::uuid`,
    order: "_row",
    setting: batchId,
    fileName: `${def.name}-batch-${batchId.slice(0, 8)}.${format}`,
  });
}

interface ExportPlan {
  def: DatasetDefinition;
  format: ExportFormat;
  viewer: Role;
  /** `<table> WHERE <condition>`, built from quoted identifiers only. */
  from: string;
  order: string;
  setting?: string;
  fileName: string;
}

/** A column as the export writes it: its type, unless masked (then it is text). */
interface OutColumn {
  name: string;
  type: ColumnDefinition["type"] | "masked";
}

function exportRows(plan: ExportPlan): ExportDownload {
  const masked = maskedColumns(plan.def, plan.viewer);
  const columns: OutColumn[] = plan.def.columns.map((c) => ({
    name: c.name,
    type: masked.has(c.name) ? "masked" : c.type,
  }));
  const select = plan.def.columns.map((c) => {
    if (masked.has(c.name)) return selectColumnSql(c.name, masked);
    const q = quoteIdent(c.name);
    // Parquet wants instants and days as numbers; Postgres computes them exactly.
    if (plan.format === "parquet" && c.type === "timestamp")
      return `(extract(epoch FROM ${q}) * 1000000)::bigint AS ${q}`;
    if (plan.format === "parquet" && c.type === "date") return `(${q} - date '1970-01-01') AS ${q}`;
    return q;
  });
  const sql = `COPY (SELECT ${select.join(", ")} FROM ${plan.from} ORDER BY ${plan.order}) TO STDOUT`;
  const rows = copyOut(sql, plan.setting);
  const encode = plan.format === "csv" ? csvChunks : plan.format === "jsonl" ? jsonlChunks : parquetChunks;
  return {
    fileName: plan.fileName,
    contentType: CONTENT_TYPE[plan.format],
    body: toWebStream(encode(rows, columns, plan.def)),
  };
}

/**
 * The decoded rows of a `COPY … TO STDOUT` (text format), a network chunk's worth at a time. The
 * connection is held for the whole download and given back however it ends (a client that goes
 * away mid-download ends it early: the connection is then discarded, not reused mid-COPY).
 */
async function* copyOut(sql: string, setting: string | undefined): AsyncGenerator<(string | null)[][]> {
  const client = await pool().connect();
  let broken: Error | undefined;
  let finished = false;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (setting !== undefined)
      await client.query("SELECT set_config('sluice.export_batch', $1, true)", [setting]);
    const stream = client.query(copyTo(sql));
    const decoder = new StringDecoder("utf8");
    let rest = "";
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      const lines = text.split("\n");
      rest = lines.pop() ?? "";
      if (lines.length) yield lines.map(decodeCopyLine);
    }
    rest += decoder.end();
    if (rest) yield [decodeCopyLine(rest)];
    await client.query("COMMIT");
    finished = true;
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    client.release(finished ? undefined : (broken ?? new Error("export ended early")));
  }
}

const encoder = new TextEncoder();

async function* csvChunks(rows: AsyncIterable<(string | null)[][]>, columns: OutColumn[]) {
  yield encoder.encode(`${columns.map((c) => csvCell(c.name)).join(",")}\r\n`);
  for await (const batch of rows) {
    let out = "";
    for (const r of batch) out += `${r.map(csvCell).join(",")}\r\n`;
    yield encoder.encode(out);
  }
}

/** JSON values as the row API gives them: integers and booleans typed, other values as stored. */
function jsonValue(type: OutColumn["type"], v: string | null): unknown {
  if (v === null) return null;
  if (type === "integer") return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (type === "boolean") return v === "t";
  return v;
}

async function* jsonlChunks(rows: AsyncIterable<(string | null)[][]>, columns: OutColumn[]) {
  for await (const batch of rows) {
    let out = "";
    for (const r of batch) {
      const obj: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) obj[columns[i]!.name] = jsonValue(columns[i]!.type, r[i]!);
      out += `${JSON.stringify(obj)}\n`;
    }
    yield encoder.encode(out);
  }
}

/** Parquet types: integers INT64, decimals DOUBLE, dates DATE, timestamps UTC microseconds. */
function parquetElement(c: OutColumn): SchemaElement {
  const base = { name: c.name, repetition_type: "OPTIONAL" as const };
  switch (c.type) {
    case "integer":
      return { ...base, type: "INT64" };
    case "decimal":
      return { ...base, type: "DOUBLE" };
    case "boolean":
      return { ...base, type: "BOOLEAN" };
    case "date":
      return { ...base, type: "INT32", converted_type: "DATE" };
    case "timestamp":
      return {
        ...base,
        type: "INT64",
        converted_type: "TIMESTAMP_MICROS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" },
      };
    default:
      return { ...base, type: "BYTE_ARRAY", converted_type: "UTF8" };
  }
}

function parquetValue(type: OutColumn["type"], v: string | null): unknown {
  if (v === null) return null;
  switch (type) {
    case "integer":
    case "timestamp":
      return BigInt(v);
    case "decimal":
      return Number(v);
    case "boolean":
      return v === "t";
    case "date":
      return Number(v);
    default:
      return v;
  }
}

async function* parquetChunks(
  rows: AsyncIterable<(string | null)[][]>,
  columns: OutColumn[],
  def: DatasetDefinition,
) {
  const writer = new ByteWriter(1 << 20);
  const schema: SchemaElement[] = [
    { name: "root", num_children: columns.length },
    ...columns.map(parquetElement),
  ];
  const pq = new ParquetWriter({
    writer,
    schema,
    kvMetadata: [{ key: "sluice.dataset", value: def.name }],
    createdBy: "sluice",
  });
  /** What the writer has produced since the last call, copied out; the buffer is then reused. */
  const drain = () => {
    const bytes = writer.getBytes().slice();
    writer.index = 0;
    return bytes;
  };
  let group: unknown[][] = columns.map(() => []);
  let size = 0;
  const flushGroup = () => {
    pq.write({
      columnData: columns.map((c, i) => ({ name: c.name, data: group[i]! })),
      rowGroupSize: size,
    });
    group = columns.map(() => []);
    size = 0;
  };
  yield drain(); // the magic bytes
  for await (const batch of rows) {
    for (const r of batch) {
      for (let i = 0; i < columns.length; i++) group[i]!.push(parquetValue(columns[i]!.type, r[i]!));
      size += 1;
      if (size === PARQUET_ROW_GROUP) {
        flushGroup();
        yield drain();
      }
    }
  }
  if (size > 0) flushGroup();
  await pq.finish();
  yield drain();
}

/** Pull-based: the next chunk is made only when the client has taken the last one. */
function toWebStream(chunks: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          // An empty chunk is skipped: the stream only asks again after something was enqueued.
          for (;;) {
            const { value, done } = await chunks.next();
            if (done) return controller.close();
            if (value.byteLength) return controller.enqueue(value);
          }
        } catch (err) {
          controller.error(err);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}
