"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { formatCount } from "@/format";
import { useTRPC } from "@/trpc/react";
import { Button } from "../ui/button";
import { Select } from "../ui/field";

const PAGE_SIZE = 50;

/**
 * A batch's rejected rows: each with its line in the file, every rule it broke and its original
 * values; filterable by rule and column (from the batch's violation summary), paged, and
 * downloadable whole as CSV.
 */
export function RejectedRows({
  batchId,
  columnOrder,
  active = false,
  initialRule,
  initialColumn,
}: {
  batchId: string;
  /** Filters to start with (e.g. from a quality report's violation link). */
  initialRule?: string;
  initialColumn?: string;
  columnOrder?: string[];
  /** The job is still loading: rejects appear as its chunks commit. */
  active?: boolean;
}) {
  const trpc = useTRPC();
  const ruleId = useId();
  const columnId = useId();
  const [rule, setRule] = useState(initialRule ?? "");
  const [column, setColumn] = useState(initialColumn ?? "");
  const view = `${rule}|${column}`;
  const [paging, setPaging] = useState<{ view: string; cursors: (number | undefined)[] }>({
    view,
    cursors: [undefined],
  });
  const cursors = paging.view === view ? paging.cursors : [undefined];
  const page = cursors.length - 1;

  const violations = useQuery(trpc.batches.violations.queryOptions({ batchId }));
  const rejects = useQuery({
    ...trpc.batches.rejects.queryOptions({
      batchId,
      limit: PAGE_SIZE,
      cursor: cursors[page],
      rule: rule || undefined,
      column: column || undefined,
    }),
    placeholderData: keepPreviousData,
  });

  // Duplicate keys are summarised under the pseudo-column "(key)": their chip filters by rule only.
  const listed = (violations.data ?? []).filter((v) => v.rule !== "duplicate");
  const duplicates = violations.data?.find((v) => v.rule === "duplicate")?.count ?? 0;
  const rules = [...new Set(listed.map((v) => v.rule)), ...(duplicates ? ["duplicate"] : [])];
  const columns = [...new Set(listed.map((v) => v.column))];
  const position = new Map((columnOrder ?? []).map((c, i) => [c, i]));
  const ordered = (values: Record<string, unknown>) =>
    Object.entries(values).sort(
      ([a], [b]) =>
        (position.get(a) ?? Number.MAX_SAFE_INTEGER) - (position.get(b) ?? Number.MAX_SAFE_INTEGER),
    );
  const rows = rejects.data?.rows;
  const firstRow = page * PAGE_SIZE + 1;

  return (
    <div className="space-y-3">
      {(listed.length > 0 || duplicates > 0) && (
        <div className="flex flex-wrap items-center gap-1.5 text-xs">
          <span className="mr-1 text-slate-500">Violations:</span>
          {listed.map((v) => {
            const active = rule === v.rule && column === v.column;
            return (
              <button
                key={`${v.column}:${v.rule}`}
                type="button"
                aria-pressed={active}
                onClick={() => {
                  setRule(active ? "" : v.rule);
                  setColumn(active ? "" : v.column);
                }}
                className={`rounded-full px-2 py-0.5 ring-1 ring-inset ${
                  active
                    ? "bg-red-600 text-white ring-red-600"
                    : "bg-red-50 text-red-800 ring-red-200 hover:bg-red-100"
                }`}
              >
                <span className="font-mono">{v.column}</span> · {v.rule}{" "}
                <span className="tabular-nums opacity-75">{formatCount(v.count)}</span>
              </button>
            );
          })}
          {duplicates > 0 && (
            <button
              type="button"
              aria-pressed={rule === "duplicate" && !column}
              title="Rows whose key repeats an earlier row's: counted as duplicates; the first occurrence is staged"
              onClick={() => {
                const on = rule === "duplicate" && !column;
                setRule(on ? "" : "duplicate");
                setColumn("");
              }}
              className={`rounded-full px-2 py-0.5 ring-1 ring-inset ${
                rule === "duplicate" && !column
                  ? "bg-amber-600 text-white ring-amber-600"
                  : "bg-amber-50 text-amber-800 ring-amber-200 hover:bg-amber-100"
              }`}
            >
              duplicate key <span className="tabular-nums opacity-75">{formatCount(duplicates)}</span>
            </button>
          )}
        </div>
      )}
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-3">
          <span className="flex items-center gap-1.5">
            <label htmlFor={ruleId} className="text-sm text-slate-600">
              Rule
            </label>
            <Select
              id={ruleId}
              size="sm"
              value={rule}
              onChange={(e) => setRule(e.target.value)}
              className="min-w-28"
            >
              <option value="">Any</option>
              {rules.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </Select>
          </span>
          <span className="flex items-center gap-1.5">
            <label htmlFor={columnId} className="text-sm text-slate-600">
              Column
            </label>
            <Select
              id={columnId}
              size="sm"
              value={column}
              onChange={(e) => setColumn(e.target.value)}
              className="min-w-28"
            >
              <option value="">Any</option>
              {columns.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </Select>
          </span>
        </div>
        <a
          href={`/api/v1/batches/${batchId}/rejects.csv`}
          download
          className="text-sm font-medium text-teal-700 hover:text-teal-800 hover:underline"
        >
          Download rejects CSV
        </a>
      </div>

      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table
          aria-label="Rejected rows"
          aria-busy={rejects.isFetching || undefined}
          className="w-full text-sm"
        >
          <thead>
            <tr className="border-b border-slate-200 bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <th scope="col" className="py-2 pr-2.5 pl-4">
                Line
              </th>
              <th scope="col" className="w-96 min-w-72 px-2.5 py-2">
                Problems
              </th>
              <th scope="col" className="py-2 pr-4 pl-2.5">
                Original values
              </th>
            </tr>
          </thead>
          <tbody className={`divide-y divide-slate-100 ${rejects.isPlaceholderData ? "opacity-60" : ""}`}>
            {rows?.map((r) => {
              const bad = new Set(r.violations.map((v) => v.column));
              return (
                <tr key={r.rowNumber} className="align-top">
                  <td className="py-2 pr-2.5 pl-4 font-mono text-xs tabular-nums text-slate-500">
                    {r.lineNumber}
                  </td>
                  <td className="px-2.5 py-2">
                    <ul className="space-y-0.5">
                      {r.violations.map((v) => (
                        <li key={`${v.column}:${v.rule}`} className="text-slate-800">
                          <span className="font-mono text-xs font-semibold text-red-700">{v.column}</span>{" "}
                          {v.message} <span className="text-xs text-slate-400">({v.rule})</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td className="w-full max-w-0 py-2 pr-4 pl-2.5">
                    <div className="flex flex-wrap gap-x-3 gap-y-0.5 text-xs">
                      {ordered(r.values).map(([k, v]) => (
                        <span
                          key={k}
                          className={`max-w-64 truncate ${bad.has(k) ? "rounded bg-red-100 px-1 text-red-900" : "text-slate-600"}`}
                          title={`${k}: ${v ?? ""}`}
                        >
                          <span className="text-slate-400">{k}</span>{" "}
                          {v === "" || v === null ? "∅" : String(v)}
                        </span>
                      ))}
                    </div>
                  </td>
                </tr>
              );
            })}
            {(!rows || rows.length === 0) && (
              <tr>
                <td colSpan={3} className="px-4 py-8 text-center text-sm">
                  {rejects.error ? (
                    <span className="text-red-700">
                      Could not load the rejected rows: {rejects.error.message}
                    </span>
                  ) : !rows ? (
                    <span className="text-slate-400">Loading…</span>
                  ) : rule || column ? (
                    <span className="text-slate-500">No rejected rows match these filters.</span>
                  ) : (
                    <span className="text-slate-500">
                      {active
                        ? "No rejected rows so far; they appear as parts of the file finish loading."
                        : "No rows were rejected."}
                    </span>
                  )}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="flex items-center justify-between text-xs text-slate-500">
        <span>
          {rows && rows.length > 0
            ? `Rejected rows ${formatCount(firstRow)}–${formatCount(firstRow + rows.length - 1)}`
            : ""}
        </span>
        <div className="flex gap-2">
          <Button
            size="sm"
            disabled={page === 0 || rejects.isFetching}
            onClick={() => setPaging({ view, cursors: cursors.slice(0, -1) })}
          >
            Previous page
          </Button>
          <Button
            size="sm"
            disabled={rejects.data?.nextCursor == null || rejects.isFetching}
            onClick={() =>
              rejects.data?.nextCursor != null &&
              setPaging({ view, cursors: [...cursors, rejects.data.nextCursor] })
            }
          >
            Next page
          </Button>
        </div>
      </div>
    </div>
  );
}
