import { hasRole, type Role } from "@/auth/roles";
import { quoteIdent } from "@/db/identifiers";
import type { DatasetDefinition } from "./definition";

/**
 * Personal data: columns a definition marks `"pii": true` are masked for analysts wherever their
 * values leave the server (row APIs, rejects, exports, the promotion preview, quality profiles);
 * operators and admins see them. Every door asks this module, with the caller's role, and never
 * decides by itself: the one place the rule lives.
 */
export const MASK = "***";

/** Whether someone with this role sees personal data in clear. */
export function seesPii(role: Role): boolean {
  return hasRole(role, "operator");
}

/** The columns `viewer` must not see, by name (empty for operators and admins). */
export function maskedColumns(def: DatasetDefinition, viewer: Role): ReadonlySet<string> {
  if (seesPii(viewer)) return new Set();
  return new Set(def.columns.filter((c) => c.pii).map((c) => c.name));
}

/** A value as `masked` allows: non-empty values of a masked column become `***`, empty stays empty. */
export function maskValue<T>(value: T, masked: boolean): T | typeof MASK {
  return masked && value !== null && value !== undefined && value !== "" ? MASK : value;
}

/** A row keyed by column name with the masked columns' values replaced. */
export function maskRow<R extends Record<string, unknown>>(row: R, masked: ReadonlySet<string>): R {
  if (masked.size === 0) return row;
  const out: Record<string, unknown> = { ...row };
  for (const name of masked) if (name in out) out[name] = maskValue(out[name], true);
  return out as R;
}

/**
 * The SELECT expression for a column: the column itself, or for a masked one a constant, so the
 * value never leaves Postgres at all (used by exports that stream straight from COPY).
 */
export function selectColumnSql(name: string, masked: ReadonlySet<string>, alias?: string): string {
  const col = alias ? `${alias}.${quoteIdent(name)}` : quoteIdent(name);
  return masked.has(name)
    ? `CASE WHEN ${col} IS NULL THEN NULL ELSE '${MASK}' END AS ${quoteIdent(name)}`
    : col;
}

/**
 * Sorting or filtering by a masked column would reveal its values one comparison at a time, so it
 * is refused: the message says why.
 */
export function refuseMaskedQuery(
  name: string,
  masked: ReadonlySet<string>,
  what: "sort" | "filter",
): string | null {
  return masked.has(name)
    ? `Cannot ${what} by "${name}": it holds personal data, which your role sees masked`
    : null;
}

/** A rule violation (rejects) about a masked column: its value and message no longer show it. */
export function maskViolation<V extends { column: string; rule: string; value: unknown; message: string }>(
  v: V,
  masked: ReadonlySet<string>,
): V {
  if (masked.size === 0) return v;
  const columns = v.column.split(/,\s*/);
  if (!columns.some((c) => masked.has(c))) return v;
  return {
    ...v,
    value: maskValue(v.value, true),
    message: `breaks the ${v.rule} rule (the value is personal data)`,
  };
}
