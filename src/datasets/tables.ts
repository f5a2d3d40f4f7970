import { quoteIdent } from "@/db/identifiers";
import type { ColumnDefinition, DatasetDefinition } from "./definition";
import { PG_TYPE } from "./values";

/**
 * The typed tables a definition makes: `staging.<name>` holds batches (every row tagged with its
 * batch and source row number), `production.<name>` the promoted data (each row remembers the
 * batch that last wrote it and a hash of its values).
 */
export const stagingTable = (name: string) => `staging.${quoteIdent(name)}`;
export const productionTable = (name: string) => `production.${quoteIdent(name)}`;
/** What each promotion changed in production, so it can be reverted exactly. */
export const historyTable = (name: string) => `history.${quoteIdent(name)}`;

const columnDdl = (c: ColumnDefinition) => `${quoteIdent(c.name)} ${PG_TYPE[c.type]}`;

export function createTablesSql(def: DatasetDefinition): string[] {
  const cols = def.columns.map(columnDdl);
  const key = def.key.map(quoteIdent).join(", ");
  return [
    // Unlogged: staged rows are derived from the stored upload and reloaded after a server crash
    // (src/ingest/restage.ts); skipping their WAL makes loads much cheaper.
    `CREATE UNLOGGED TABLE ${stagingTable(def.name)} (
      _batch_id uuid NOT NULL,
      _row integer NOT NULL,
      _line integer NOT NULL,
      ${cols.join(",\n      ")},
      PRIMARY KEY (_batch_id, _row)
    )`,
    `CREATE TABLE ${productionTable(def.name)} (
      ${def.key.length ? "" : "_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"}
      ${cols.join(",\n      ")},
      _batch_id uuid NOT NULL,
      _hash text NOT NULL,
      _updated_at timestamptz NOT NULL DEFAULT now()
      ${def.key.length ? `, PRIMARY KEY (${key})` : ""}
    )`,
    `CREATE INDEX ON ${productionTable(def.name)} (_batch_id)`,
    ...createHistoryTableSql(def),
  ];
}

/**
 * history.<name>: per promotion, the previous version of every row it updated or deleted
 * (`_op` update/delete, all columns) and the key of every row it inserted (`_op` insert).
 */
export function createHistoryTableSql(def: DatasetDefinition): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${historyTable(def.name)} (
      _promotion_id uuid NOT NULL,
      _op text NOT NULL,
      ${def.key.length ? "" : "_id bigint,"}
      ${def.columns.map(columnDdl).join(",\n      ")},
      _batch_id uuid,
      _hash text,
      _updated_at timestamptz
    )`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdent(`${def.name.slice(0, 40)}_history_promotion`)} ON ${historyTable(def.name)} (_promotion_id, _op)`,
  ];
}

export interface DefinitionChange {
  sql: string[];
  /** What would be lost or rewritten; refused unless forced. */
  destructive: string[];
  /** Refused even when forced. */
  impossible: string[];
  /** Readable summary, e.g. "add column rating". */
  summary: string[];
}

/** What applying `next` over `prev` does to the tables. Rules and normalisers need no DDL. */
export function diffDefinitions(prev: DatasetDefinition, next: DatasetDefinition): DefinitionChange {
  const sql: string[] = [];
  const destructive: string[] = [];
  const summary: string[] = [];
  const impossible: string[] = [];
  const tables = [stagingTable(next.name), productionTable(next.name), historyTable(next.name)];
  const before = new Map(prev.columns.map((c) => [c.name, c]));
  const after = new Map(next.columns.map((c) => [c.name, c]));

  for (const c of next.columns) {
    const old = before.get(c.name);
    if (!old) {
      for (const t of tables) sql.push(`ALTER TABLE IF EXISTS ${t} ADD COLUMN ${columnDdl(c)}`);
      summary.push(`add column ${c.name} (${c.type})`);
    } else if (PG_TYPE[old.type] !== PG_TYPE[c.type]) {
      for (const t of tables) {
        sql.push(
          `ALTER TABLE IF EXISTS ${t} ALTER COLUMN ${quoteIdent(c.name)} TYPE ${PG_TYPE[c.type]} USING ${quoteIdent(c.name)}::${PG_TYPE[c.type]}`,
        );
      }
      destructive.push(
        `column ${c.name} changes type from ${old.type} to ${c.type} (existing values are converted, or the change fails)`,
      );
      summary.push(`change ${c.name} from ${old.type} to ${c.type}`);
    } else if (old.type !== c.type) {
      summary.push(`change ${c.name} from ${old.type} to ${c.type} (same storage)`);
    }
  }
  for (const c of prev.columns) {
    if (!after.has(c.name)) {
      for (const t of tables) sql.push(`ALTER TABLE IF EXISTS ${t} DROP COLUMN ${quoteIdent(c.name)}`);
      destructive.push(`column ${c.name} is removed with its data`);
      summary.push(`drop column ${c.name}`);
    }
  }
  if (prev.key.join(",") !== next.key.join(",")) {
    impossible.push(
      `the natural key cannot change (from (${prev.key.join(", ") || "none"}) to (${next.key.join(", ") || "none"})): production rows are identified by it. Create a new dataset instead.`,
    );
  }
  if (prev.title !== next.title) summary.push(`retitle to "${next.title}"`);
  if (JSON.stringify(prev) !== JSON.stringify(next) && summary.length === 0) summary.push("update rules");
  return { sql, destructive, impossible, summary };
}

/**
 * A row's fingerprint: md5 of its values in definition order. Staging and production compute it the
 * same way, so "changed" means a value differs and "unchanged" means none does.
 */
export function rowHashSql(def: DatasetDefinition, alias: string): string {
  return `md5(ROW(${def.columns.map((c) => `${alias}.${quoteIdent(c.name)}`).join(", ")})::text)`;
}
