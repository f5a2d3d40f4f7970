import type pg from "pg";
import { z } from "zod";
import type { Role } from "@/auth/roles";
import type { DatasetDefinition } from "@/datasets/definition";
import { maskedColumns, maskRow, refuseMaskedQuery } from "@/datasets/pii";
import { getDataset } from "@/datasets/registry";
import { productionTable, stagingTable } from "@/datasets/tables";
import { quoteIdent } from "@/db/identifiers";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { AppError } from "@/server/errors";

/**
 * Reading rows back: a batch's staged rows (source order) and a dataset's production rows, as JSON
 * objects keyed by column name, values as stored (text byte-for-byte as decoded). Keyset paging
 * (an opaque cursor), so page 10,000 costs what page 1 does; sortable and filterable by column.
 */
export const rowsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(2000).optional(),
  sort: z.string().max(64).optional(),
  order: z.enum(["asc", "desc"]).default("asc"),
  /** column=value filters: `contains` for text, equality otherwise. */
  filter: z.record(z.string(), z.string().max(500)).optional(),
});
export type RowsQuery = z.input<typeof rowsQuerySchema>;

export interface RowsPage {
  /** `masked`: personal data the caller's role sees as `***` (see src/datasets/pii.ts). */
  columns: { name: string; type: string; masked?: boolean }[];
  rows: Record<string, unknown>[];
  nextCursor: string | null;
}

interface Cursor {
  /** The sort column's value of the last row (null sorts last) and the row's tiebreaker. */
  v: unknown;
  t: string | number;
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64url");
function decode(s: string): Cursor {
  try {
    return JSON.parse(Buffer.from(s, "base64url").toString("utf8")) as Cursor;
  } catch {
    throw new AppError("BAD_REQUEST", "The cursor is not one this API gave out");
  }
}

/**
 * Values as Postgres prints them (numeric and timestamps exactly, not through JS numbers and
 * Dates); bigints as JSON numbers when they fit.
 */
export const asStored = {
  getTypeParser: (oid: number) => {
    if (oid === 20) return (v: string) => (Number.isSafeInteger(Number(v)) ? Number(v) : v);
    if (oid === 16) return (v: string) => v === "t";
    return (v: string) => v;
  },
} as unknown as pg.CustomTypesConfig;

const TEXTUAL = new Set(["text", "email", "url", "domain", "enum"]);

async function readRows(
  def: DatasetDefinition,
  table: string,
  scope: { sql: string; params: unknown[] },
  tiebreaker: string,
  query: RowsQuery,
  viewer: Role,
  extra: string[] = [],
): Promise<RowsPage> {
  const q = rowsQuerySchema.parse(query);
  const masked = maskedColumns(def, viewer);
  const byName = new Map(def.columns.map((c) => [c.name, c]));
  const sortCol = q.sort ?? null;
  if (sortCol && !byName.has(sortCol))
    throw new AppError("BAD_REQUEST", `Cannot sort by "${sortCol}": not a column`);
  const refusedSort = sortCol && refuseMaskedQuery(sortCol, masked, "sort");
  if (refusedSort) throw new AppError("FORBIDDEN", refusedSort);
  const params: unknown[] = [...scope.params];
  const where: string[] = [scope.sql];
  for (const [name, value] of Object.entries(q.filter ?? {})) {
    const col = byName.get(name);
    if (!col) throw new AppError("BAD_REQUEST", `Cannot filter by "${name}": not a column`);
    const refused = refuseMaskedQuery(name, masked, "filter");
    if (refused) throw new AppError("FORBIDDEN", refused);
    params.push(TEXTUAL.has(col.type) ? `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : value);
    where.push(
      TEXTUAL.has(col.type)
        ? `${quoteIdent(name)} ILIKE $${params.length}`
        : `${quoteIdent(name)}::text = $${params.length}`,
    );
  }
  const dir = q.order === "desc" ? "DESC" : "ASC";
  const cmp = q.order === "desc" ? "<" : ">";
  if (q.cursor) {
    const c = decode(q.cursor);
    params.push(c.t);
    const t = `$${params.length}`;
    if (sortCol) {
      params.push(c.v);
      const v = `$${params.length}`;
      const s = quoteIdent(sortCol);
      // NULLs sort last in both directions.
      where.push(
        c.v === null
          ? `(${s} IS NULL AND ${tiebreaker} ${cmp} ${t})`
          : `(${s} ${cmp} ${v} OR (${s} = ${v} AND ${tiebreaker} ${cmp} ${t}) OR ${s} IS NULL)`,
      );
    } else {
      where.push(`${tiebreaker} ${cmp} ${t}`);
    }
  }
  params.push(q.limit + 1);
  const order = sortCol
    ? `${quoteIdent(sortCol)} ${dir} NULLS LAST, ${tiebreaker} ${dir}`
    : `${tiebreaker} ${dir}`;
  const cols = [...def.columns.map((c) => quoteIdent(c.name)), ...extra].join(", ");
  const sql = `SELECT ${cols}, ${tiebreaker} AS "__t" FROM ${table} WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT $${params.length}`;
  const { rows } = await pool().query<Record<string, unknown>>({
    text: sql,
    values: params,
    types: asStored,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    columns: def.columns.map((c) =>
      masked.has(c.name) ? { name: c.name, type: c.type, masked: true } : { name: c.name, type: c.type },
    ),
    rows: page.map(({ __t: _t, ...row }: Record<string, unknown>) => maskRow(row, masked)),
    nextCursor:
      rows.length > q.limit && last
        ? encode({ v: sortCol ? last[sortCol] : null, t: last.__t as string | number })
        : null,
  };
}

export async function batchRows(
  batchId: string,
  query: RowsQuery,
  viewer: Role,
): Promise<RowsPage & { batchId: string }> {
  const batch = await db().batch.findUnique({ where: { id: batchId }, include: { dataset: true } });
  if (!batch) throw new AppError("NOT_FOUND", `No batch ${batchId}`);
  if (batch.status !== "staged") {
    throw new AppError(
      "CONFLICT",
      `Batch ${batchId} is ${batch.status}; its rows can be read once it is staged`,
    );
  }
  const { definition } = await getDataset(batch.dataset.name);
  const page = await readRows(
    definition,
    stagingTable(definition.name),
    { sql: "_batch_id = $1", params: [batchId] },
    "_row",
    query,
    viewer,
  );
  return { batchId, ...page };
}

/**
 * Production rows; each also carries `_batch_id`, the batch that last wrote it (its lineage starts
 * there: GET /api/v1/batches/{id}/lineage).
 */
export async function productionRows(
  name: string,
  query: RowsQuery,
  viewer: Role,
): Promise<RowsPage & { dataset: string }> {
  const { definition } = await getDataset(name);
  const tiebreaker =
    definition.key.length === 1
      ? quoteIdent(definition.key[0]!)
      : definition.key.length
        ? "ctid::text"
        : "_id";
  const page = await readRows(
    definition,
    productionTable(definition.name),
    { sql: "TRUE", params: [] },
    tiebreaker,
    query,
    viewer,
    ["_batch_id"],
  );
  return { dataset: name, ...page };
}

/** Query-string form of a rows query: ?limit=&cursor=&sort=&order=&filter[col]=value */
export function rowsQueryFromSearch(search: URLSearchParams): RowsQuery {
  const filter: Record<string, string> = {};
  for (const [k, v] of search) {
    const m = /^filter\[([a-z][a-z0-9_]{0,62})\]$/.exec(k);
    if (m) filter[m[1]!] = v;
  }
  return {
    limit: (search.get("limit") ?? undefined) as unknown as number,
    cursor: search.get("cursor") ?? undefined,
    sort: search.get("sort") ?? undefined,
    order: (search.get("order") ?? undefined) as "asc" | "desc" | undefined,
    filter,
  };
}
