"use client";

import { useId, useState } from "react";
import { formatCount } from "@/format";
import type { RouterOutputs } from "@/trpc/react";

type ChangedRow = RouterOutputs["promotions"]["preview"]["sampleChanged"][number];

/**
 * A sample of the rows a promotion would update: per row its key, then for each column the value in
 * production now and the value the batch brings, side by side. Changed cells are highlighted (and
 * marked up as deletion/insertion, so they read as changes without colour too). By default only the
 * columns that change somewhere in the sample are shown.
 */
export function ChangedRows({
  rows,
  keyColumns,
  total,
}: {
  rows: ChangedRow[];
  keyColumns: string[];
  total: number;
}) {
  const [showAll, setShowAll] = useState(false);
  const toggleId = useId();
  const allColumns = Object.keys(rows[0]?.after ?? {}).filter((c) => !keyColumns.includes(c));
  const changedSomewhere = new Set(rows.flatMap((r) => r.changed));
  const columns = showAll ? allColumns : allColumns.filter((c) => changedSomewhere.has(c));

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-slate-500">
        <span>
          {rows.length < total
            ? `The first ${formatCount(rows.length)} of ${formatCount(total)} rows to update`
            : `All ${formatCount(rows.length)} rows to update`}
          , in file order. <span className="rounded bg-red-50 px-1 text-red-800">Old</span> is production now,{" "}
          <span className="rounded bg-emerald-50 px-1 text-emerald-800">new</span> is what the batch brings.
        </span>
        <span className="flex items-center gap-1.5">
          <input
            id={toggleId}
            type="checkbox"
            checked={showAll}
            onChange={(e) => setShowAll(e.target.checked)}
            className="h-3.5 w-3.5 accent-teal-700"
          />
          <label htmlFor={toggleId}>Show unchanged columns</label>
        </span>
      </div>
      {/* relative: the headers' screen-reader-only text is positioned, and must scroll with the table. */}
      <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table aria-label="Rows to update, old and new" className="w-full text-sm">
          <thead>
            <tr className="bg-slate-50 text-left">
              {keyColumns.map((k) => (
                <th
                  key={k}
                  scope="col"
                  rowSpan={2}
                  className={`w-px whitespace-nowrap border-b border-slate-200 py-1.5 pr-2.5 pl-4 align-bottom font-mono text-xs font-semibold text-slate-700`}
                >
                  {k}
                  <span className="ml-1 font-sans font-normal text-slate-400">key</span>
                </th>
              ))}
              {columns.map((c) => (
                <th
                  key={c}
                  scope="colgroup"
                  colSpan={2}
                  className={`border-l border-slate-200 px-2.5 pt-1.5 font-mono text-xs font-semibold text-slate-700`}
                >
                  {c}
                </th>
              ))}
            </tr>
            <tr className="border-b border-slate-200 bg-slate-50 text-left">
              {columns.flatMap((c) => [
                <th
                  key={`${c}-old`}
                  scope="col"
                  className={`border-l border-slate-200 px-2.5 pt-0.5 pb-1.5 text-[11px] font-medium uppercase tracking-wide text-slate-400`}
                >
                  <span className="sr-only">{c} </span>old
                </th>,
                <th
                  key={`${c}-new`}
                  scope="col"
                  className={`px-2.5 pt-0.5 pb-1.5 text-[11px] font-medium uppercase tracking-wide text-slate-400`}
                >
                  <span className="sr-only">{c} </span>new
                </th>,
              ])}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((r) => (
              <tr key={JSON.stringify(r.key)}>
                {keyColumns.map((k) => (
                  <th
                    key={k}
                    scope="row"
                    className={`w-px whitespace-nowrap py-1.5 pr-2.5 pl-4 text-left font-mono text-xs font-medium text-slate-900`}
                  >
                    {String(r.key[k] ?? "")}
                  </th>
                ))}
                {columns.flatMap((c) => {
                  const changed = r.changed.includes(c);
                  return [
                    <td
                      key={`${c}-old`}
                      className={`max-w-64 border-l px-2.5 py-1.5 border-slate-100 ${changed ? "bg-red-50 text-red-900" : "text-slate-400"}`}
                    >
                      {changed ? (
                        <del className="decoration-red-400">
                          <Value value={r.before[c]} />
                        </del>
                      ) : (
                        <Value value={r.before[c]} />
                      )}
                    </td>,
                    <td
                      key={`${c}-new`}
                      className={`max-w-64 px-2.5 py-1.5 ${changed ? "bg-emerald-50 font-medium text-emerald-900" : "text-slate-400"}`}
                    >
                      {changed ? (
                        <ins className="no-underline">
                          <Value value={r.after[c]} />
                        </ins>
                      ) : (
                        <Value value={r.after[c]} />
                      )}
                    </td>,
                  ];
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined) {
    return <span title="null (empty)">—</span>;
  }
  const text = String(value);
  return (
    <span className="block truncate" title={text}>
      {text}
    </span>
  );
}
