import type { Key, ReactNode } from "react";

export interface Column<Row> {
  /** Column header text; also the column's name for screen readers. */
  header: string;
  cell: (row: Row) => ReactNode;
  /** Extra classes for this column's cells (width, alignment, wrapping). */
  className?: string;
  /** Hide the header text visually (e.g. an actions column) but keep it for screen readers. */
  srOnlyHeader?: boolean;
  /**
   * This column takes the width the others leave, and its content truncates (use `Truncate`).
   * Give one column per table `grow`, so the table fits its container instead of scrolling.
   */
  grow?: boolean;
}

/** Text cut to one line with an ellipsis, whole on hover. `className` can cap its width (max-w-*). */
export function Truncate({
  children,
  title,
  className = "",
}: {
  children: ReactNode;
  title?: string;
  className?: string;
}) {
  return (
    <span
      className={`block truncate ${className}`}
      title={title ?? (typeof children === "string" ? children : undefined)}
    >
      {children}
    </span>
  );
}

const CELL = "px-2.5 first:pl-4 last:pr-4";
const cellWidth = (c: Column<unknown>) => (c.grow ? "w-full max-w-0 min-w-40" : "whitespace-nowrap");

/**
 * A dense, bordered data table with the console's loading, error and empty states, so each page
 * states only its columns.
 */
export function DataTable<Row>({
  label,
  columns,
  rows,
  rowKey,
  loading,
  error,
  empty,
  rowClassName,
}: {
  /** Accessible name of the table (e.g. "Users"). */
  label: string;
  columns: Column<Row>[];
  rows: Row[] | undefined;
  rowKey: (row: Row) => Key;
  loading?: boolean;
  error?: string | null;
  /** Shown in place of the body when there are no rows. */
  empty?: ReactNode;
  rowClassName?: (row: Row) => string;
}) {
  const state = error ? "error" : loading && !rows ? "loading" : rows && rows.length === 0 ? "empty" : "rows";
  return (
    // relative: screen-reader-only headers are positioned, and must scroll with the table.
    <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table aria-label={label} aria-busy={state === "loading" || undefined} className="w-full text-sm">
        <thead>
          <tr className="border-b border-slate-200 bg-slate-50 text-left">
            {columns.map((c) => (
              <th
                key={c.header}
                scope="col"
                className={`${CELL} whitespace-nowrap py-2 text-xs font-semibold uppercase tracking-wide text-slate-500 ${c.className ?? ""}`}
              >
                {c.srOnlyHeader ? <span className="sr-only">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {state === "rows" &&
            rows!.map((row) => (
              <tr key={rowKey(row)} className={`hover:bg-slate-50/70 ${rowClassName?.(row) ?? ""}`}>
                {columns.map((c) => (
                  <td
                    key={c.header}
                    className={`${CELL} py-2 align-middle ${cellWidth(c as Column<unknown>)} ${c.className ?? ""}`}
                  >
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            ))}
          {state !== "rows" && (
            <tr>
              <td colSpan={columns.length} className="px-3 py-8">
                {state === "loading" ? (
                  <p className="text-center text-sm text-slate-400">Loading…</p>
                ) : state === "error" ? (
                  <p className="text-center text-sm text-red-700">Could not load this list: {error}</p>
                ) : (
                  (empty ?? <p className="text-center text-sm text-slate-500">Nothing here yet.</p>)
                )}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
