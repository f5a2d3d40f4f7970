"use client";

import { keepPreviousData, skipToken, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId, useState } from "react";
import { formatCount } from "@/format";
import { useTRPC } from "@/trpc/react";
import { Button } from "../ui/button";
import { Select } from "../ui/field";

/** Whose rows: one batch's staged rows, or a dataset's production rows. */
export type RowsSource = { batchId: string } | { dataset: string };

type Sort = { column: string; order: "asc" | "desc" } | null;

const TEXTUAL = new Set(["text", "email", "url", "domain", "enum"]);
const NUMERIC = new Set(["integer", "decimal"]);
const PAGE_SIZES = [25, 50, 100, 250];
const CELL = "px-2.5 first:pl-4 last:pr-4";

/**
 * Rows as stored, a page at a time (keyset paging: Next follows the server's cursor, Previous walks
 * back the cursors already seen), sortable by clicking a column's header and filterable per column
 * (text columns by "contains", others by equality). Used for staged and production rows alike.
 */
export function RowsTable({
  source,
  label,
  emptyText = "No rows.",
  naturalKey,
}: {
  source: RowsSource;
  label: string;
  /** Shown when there are no rows at all (not just none matching the filters). */
  emptyText?: string;
  /** Production rows: the dataset's key, so each row links to its lineage. */
  naturalKey?: string[];
}) {
  const trpc = useTRPC();
  const [sort, setSort] = useState<Sort>(null);
  const [filterText, setFilterText] = useState<Record<string, string>>({});
  const filter = useDebounced(filterText, 350);
  const [limit, setLimit] = useState(50);

  // A new sort, filter or page size starts again from the first page.
  const activeFilter = Object.fromEntries(Object.entries(filter).filter(([, v]) => v.trim() !== ""));
  const view = JSON.stringify([activeFilter, sort, limit]);
  /** cursors[i] opens page i (page 0 has none), for the view they were collected in. */
  const [paging, setPaging] = useState<{ view: string; cursors: (string | undefined)[] }>({
    view,
    cursors: [undefined],
  });
  const cursors = paging.view === view ? paging.cursors : [undefined];
  const setCursors = (next: (c: (string | undefined)[]) => (string | undefined)[]) =>
    setPaging({ view, cursors: next(cursors) });
  const page = cursors.length - 1;

  const query = {
    limit,
    cursor: cursors[page],
    sort: sort?.column,
    order: sort?.order ?? "asc",
    filter: Object.keys(activeFilter).length ? activeFilter : undefined,
  } as const;
  const opts = { placeholderData: keepPreviousData, staleTime: 30_000 };
  const batch = useQuery({
    ...trpc.batches.rows.queryOptions(
      "batchId" in source ? { ...query, batchId: source.batchId } : skipToken,
    ),
    ...opts,
  });
  const production = useQuery({
    ...trpc.datasets.rows.queryOptions("dataset" in source ? { ...query, name: source.dataset } : skipToken),
    ...opts,
  });
  const result = "batchId" in source ? batch : production;
  const data = result.data;
  const columns = data?.columns ?? [];
  const rows = data?.rows;
  const firstRow = page * limit + 1;
  const lineage = "dataset" in source && naturalKey !== undefined;
  const keyHidden = columns.some((c) => c.masked && naturalKey?.includes(c.name));
  /** A row's lineage: by its key, or (keyless dataset, or a key the viewer sees masked) its batch's. */
  const lineageHref = (row: Record<string, unknown>) =>
    "dataset" in source && naturalKey?.length && !keyHidden
      ? `/datasets/${source.dataset}/lineage?key=${encodeURIComponent(JSON.stringify(Object.fromEntries(naturalKey.map((k) => [k, row[k]]))))}`
      : `/batches/${String(row._batch_id)}/lineage`;
  const filtering = Object.keys(activeFilter).length > 0;

  const toggleSort = (column: string) =>
    setSort((s) =>
      s?.column !== column ? { column, order: "asc" } : s.order === "asc" ? { column, order: "desc" } : null,
    );

  return (
    <div className="space-y-2">
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table aria-label={label} aria-busy={result.isFetching || undefined} className="w-full text-sm">
          <thead>
            <tr className="border-b border-slate-200 bg-slate-50 text-left">
              {lineage && (
                <th
                  scope="col"
                  className={`${CELL} pt-2 pb-1 align-bottom text-xs font-semibold text-slate-700`}
                >
                  <span className="sr-only">Lineage</span>
                </th>
              )}
              {columns.map((c) => {
                const sorted = sort?.column === c.name ? sort.order : null;
                const numeric = NUMERIC.has(c.type);
                return (
                  <th
                    key={c.name}
                    scope="col"
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                    className={`${CELL} whitespace-nowrap pt-2 pb-1 align-bottom ${numeric ? "text-right" : ""}`}
                  >
                    <button
                      type="button"
                      disabled={c.masked}
                      onClick={() => toggleSort(c.name)}
                      title={`Sort by ${c.name}${sorted === "asc" ? " (descending next)" : sorted === "desc" ? " (unsorted next)" : ""}`}
                      className={`group inline-flex items-baseline gap-1 rounded text-left font-mono text-xs font-semibold text-slate-700 outline-none hover:text-slate-950 focus-visible:ring-2 focus-visible:ring-teal-600/30`}
                    >
                      {c.name}
                      <span aria-hidden className="font-sans font-normal text-slate-400">
                        {c.type}
                      </span>
                      {c.masked && (
                        <span
                          className="font-sans text-[10px] font-medium uppercase text-amber-700"
                          title="Personal data: your role sees it masked"
                        >
                          masked
                        </span>
                      )}
                      <span
                        aria-hidden
                        className={`font-sans ${sorted ? "text-teal-700" : "text-transparent group-hover:text-slate-300"}`}
                      >
                        {sorted === "desc" ? "↓" : "↑"}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
            {columns.length > 0 && (
              <tr className="border-b border-slate-200 bg-slate-50">
                {lineage && <td className={CELL} />}
                {columns.map((c) => (
                  <td key={c.name} className={`${CELL} pb-2`}>
                    <input
                      type="search"
                      aria-label={`Filter ${c.name}`}
                      placeholder={TEXTUAL.has(c.type) ? "contains…" : "equals…"}
                      value={filterText[c.name] ?? ""}
                      onChange={(e) => setFilterText((f) => ({ ...f, [c.name]: e.target.value }))}
                      disabled={c.masked}
                      title={c.masked ? "Personal data cannot be filtered by your role" : undefined}
                      className={`h-7 w-full min-w-20 rounded border ${NUMERIC.has(c.type) ? "text-right" : ""} border-slate-300 bg-white px-1.5 text-xs font-normal text-slate-900 outline-none placeholder:text-slate-400 focus:border-teal-600 focus:ring-2 focus:ring-teal-600/20 disabled:bg-slate-100`}
                    />
                  </td>
                ))}
              </tr>
            )}
          </thead>
          <tbody className={`divide-y divide-slate-100 ${result.isPlaceholderData ? "opacity-60" : ""}`}>
            {rows?.map((row, i) => (
              // Rows have no identity in general (a dataset may have no key): position is it.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above
              <tr key={i} className="hover:bg-slate-50/70">
                {lineage && (
                  <td className={`${CELL} py-1.5 align-top`}>
                    <Link
                      href={lineageHref(row)}
                      className="whitespace-nowrap text-xs font-medium text-teal-700 hover:underline"
                      title="Where this row came from: upload, job, batch, quality, promotion"
                    >
                      Lineage
                    </Link>
                  </td>
                )}
                {columns.map((c) => (
                  <td key={c.name} className={`${CELL} max-w-72 py-1.5 align-top text-slate-700`}>
                    <Value value={row[c.name]} numeric={NUMERIC.has(c.type)} />
                  </td>
                ))}
              </tr>
            ))}
            {!rows && (
              <tr>
                <td
                  colSpan={Math.max(columns.length + (lineage ? 1 : 0), 1)}
                  className="px-4 py-8 text-center text-sm"
                >
                  {result.error ? (
                    <span className="text-red-700">Could not load the rows: {result.error.message}</span>
                  ) : (
                    <span className="text-slate-400">Loading…</span>
                  )}
                </td>
              </tr>
            )}
            {rows?.length === 0 && (
              <tr>
                <td
                  colSpan={Math.max(columns.length + (lineage ? 1 : 0), 1)}
                  className="px-4 py-8 text-center text-sm text-slate-500"
                >
                  {filtering ? "No rows match these filters." : emptyText}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {rows && result.error && (
        <p role="alert" className="text-sm text-red-700">
          Could not load the rows: {result.error.message}
        </p>
      )}
      <div className="flex flex-wrap items-center justify-between gap-3 text-xs text-slate-500">
        <span aria-live="polite">
          {rows && rows.length > 0
            ? `Rows ${formatCount(firstRow)}–${formatCount(firstRow + rows.length - 1)}${filtering ? " matching the filters" : ""}${data?.nextCursor ? "" : " (the last page)"}`
            : ""}
        </span>
        <div className="flex items-center gap-2">
          <PageSize value={limit} onChange={setLimit} />
          <Button
            size="sm"
            disabled={page === 0 || result.isFetching}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Previous page
          </Button>
          <Button
            size="sm"
            disabled={!data?.nextCursor || result.isFetching}
            onClick={() => data?.nextCursor && setCursors((c) => [...c, data.nextCursor ?? undefined])}
          >
            Next page
          </Button>
        </div>
      </div>
    </div>
  );
}

function PageSize({ value, onChange }: { value: number; onChange: (n: number) => void }) {
  const id = useId();
  return (
    <span className="flex items-center gap-1.5">
      <label htmlFor={id}>Rows per page</label>
      <Select id={id} size="sm" value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {PAGE_SIZES.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </Select>
    </span>
  );
}

/** One stored value: null as a faint dash, text whole on hover, numbers right-aligned. */
function Value({ value, numeric }: { value: unknown; numeric: boolean }) {
  if (value === null || value === undefined) {
    return (
      <span className="text-slate-300" title="null (empty)">
        —
      </span>
    );
  }
  const text = typeof value === "string" ? value : String(value);
  return (
    <span className={`block truncate ${numeric ? "text-right tabular-nums" : ""}`} title={text}>
      {text}
    </span>
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}
