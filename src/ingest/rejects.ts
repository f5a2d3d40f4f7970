import { z } from "zod";
import type { Role } from "@/auth/roles";
import { maskedColumns, maskRow, maskViolation } from "@/datasets/pii";
import { parseDefinition } from "@/datasets/registry";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { AppError } from "@/server/errors";
import type { FileInfo } from "./inspect";
import type { Mapping } from "./mapping";

/** Rejected rows of a batch: paged and filterable in the console, downloadable as CSV. */
export const rejectsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** The last row number of the previous page. */
  cursor: z.coerce.number().int().min(0).optional(),
  rule: z.string().max(64).optional(),
  column: z.string().max(64).optional(),
});

export interface RejectedRow {
  rowNumber: number;
  lineNumber: number;
  values: Record<string, string | number | null>;
  violations: { column: string; rule: string; value: string; message: string }[];
}

async function batchForRejects(batchId: string) {
  const batch = await db().batch.findUnique({
    where: { id: batchId },
    include: { dataset: true, upload: true },
  });
  if (!batch) throw new AppError("NOT_FOUND", `No batch ${batchId}`);
  return batch;
}

/** Rejected rows, a page at a time; personal data masked as `viewer`'s role requires. */
export async function listRejects(batchId: string, query: z.input<typeof rejectsQuerySchema>, viewer: Role) {
  const q = rejectsQuerySchema.parse(query);
  const batch = await batchForRejects(batchId);
  const masked = maskedColumns(parseDefinition(batch.dataset.definition), viewer);
  const params: unknown[] = [batchId, q.cursor ?? 0];
  const where = ["batch_id = $1", "row_number > $2"];
  const match: Record<string, string> = {};
  if (q.rule) match.rule = q.rule;
  if (q.column) match.column = q.column;
  if (Object.keys(match).length) {
    params.push(JSON.stringify([match]));
    where.push(`violations @> $${params.length}::jsonb`);
  }
  params.push(q.limit + 1);
  const { rows } = await pool().query<{
    row_number: number;
    line_number: number;
    values: RejectedRow["values"];
    violations: RejectedRow["violations"];
  }>(
    `SELECT row_number, line_number, "values", violations FROM app.batch_rejects
     WHERE ${where.join(" AND ")} ORDER BY row_number LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, q.limit).map((r) => ({
    rowNumber: r.row_number,
    lineNumber: r.line_number,
    values: maskRow(r.values, masked),
    violations: r.violations.map((v) => maskViolation(v, masked)),
  }));
  return { rows: page, nextCursor: rows.length > q.limit ? (page.at(-1)?.rowNumber ?? null) : null };
}

/**
 * A spreadsheet opening the download must not run anything: cells starting with =, +, -, @ (or a
 * tab/CR) get a leading apostrophe, as OWASP advises against CSV formula injection.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let s = typeof value === "string" ? value : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rejected rows as CSV, streamed in pages: original cells, then why each row was rejected. */
export async function rejectsCsv(
  batchId: string,
  viewer: Role,
): Promise<{ fileName: string; body: ReadableStream<Uint8Array> }> {
  const batch = await batchForRejects(batchId);
  const info = batch.fileInfo as unknown as FileInfo;
  const mapping = batch.mapping as Mapping;
  const keys = (info.headers ?? []).map((h, i) => mapping[i] ?? (h || `column ${i + 1}`));
  const header = [
    "row",
    "line",
    ...(info.headers ?? []).map((h, i) => h || `column ${i + 1}`),
    "rejected_columns",
    "rejected_rules",
    "rejected_reasons",
  ];
  const encoder = new TextEncoder();
  let cursor = 0;
  let sentHeader = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentHeader) {
        sentHeader = true;
        controller.enqueue(encoder.encode(`${header.map(csvCell).join(",")}\r\n`));
      }
      const page = await listRejects(batchId, { cursor, limit: 500 }, viewer);
      let out = "";
      for (const r of page.rows) {
        const cells = [
          r.rowNumber,
          r.lineNumber,
          ...keys.map((k) => r.values[k] ?? ""),
          r.violations.map((v) => v.column).join("; "),
          r.violations.map((v) => v.rule).join("; "),
          r.violations.map((v) => v.message).join("; "),
        ];
        out += `${cells.map(csvCell).join(",")}\r\n`;
      }
      if (out) controller.enqueue(encoder.encode(out));
      if (page.nextCursor === null) controller.close();
      else cursor = page.nextCursor;
    },
  });
  const base = batch.upload.fileName.replace(/\.csv$/i, "");
  return { fileName: `${base}-rejects.csv`, body };
}

/** Violations of a batch by column and rule, with counts, most frequent first. */
export async function violationSummary(batchId: string) {
  const batch = await batchForRejects(batchId);
  const counts = batch.violations as Record<string, number>;
  const list = Object.entries(counts).map(([k, count]) => {
    const [column, rule] = k.split(":");
    return { column: column!, rule: rule!, count };
  });
  if (batch.duplicates) list.push({ column: "(key)", rule: "duplicate", count: batch.duplicates });
  return list.sort((a, b) => b.count - a.count);
}
