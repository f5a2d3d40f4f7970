"use client";

import { useMemo } from "react";
import type { DatasetDefinition } from "@/datasets/definition";
import { compileColumn, InvalidCell } from "@/datasets/values";
import { plural } from "@/format";
import type { Mapping } from "@/ingest/mapping";

interface PreviewCell {
  raw: string;
  problem: InvalidCell | null;
}

interface PreviewRow {
  line: number;
  cells: PreviewCell[];
  /** The line of an earlier preview row with the same key (this one would be counted a duplicate). */
  duplicateOf: number | null;
}

/**
 * The first rows of the file as they would load: one column per dataset column the mapping fills
 * (and every required one, filled or not), each cell checked by the worker's own code
 * (compileColumn, with key columns required, as the worker does), so what is red here is what
 * the import will reject.
 */
export function PreviewTable({
  rows,
  headers,
  mapping,
  definition,
  whole,
}: {
  rows: { fields: string[]; line: number }[];
  headers: string[];
  mapping: Mapping;
  definition: DatasetDefinition;
  whole: boolean;
}) {
  const checks = useMemo(
    () =>
      new Map(
        definition.columns.map((c) => [
          c.name,
          compileColumn(definition.key.includes(c.name) ? { ...c, required: true } : c),
        ]),
      ),
    [definition],
  );
  const shown = useMemo(
    () =>
      definition.columns.filter(
        (c) => mapping.includes(c.name) || c.required || definition.key.includes(c.name),
      ),
    [definition, mapping],
  );

  const preview: PreviewRow[] = useMemo(() => {
    const firstLineOfKey = new Map<string, number>();
    return rows.map((r) => {
      const values = new Map<string, string | null>();
      const cells = shown.map((c) => {
        const src = mapping.indexOf(c.name);
        const raw = src >= 0 ? (r.fields[src] ?? "") : "";
        const result = checks.get(c.name)!(raw);
        if (!(result instanceof InvalidCell)) values.set(c.name, result);
        return { raw, problem: result instanceof InvalidCell ? result : null };
      });
      let duplicateOf: number | null = null;
      if (definition.key.length && definition.key.every((k) => values.get(k) != null)) {
        const key = JSON.stringify(definition.key.map((k) => values.get(k)));
        duplicateOf = firstLineOfKey.get(key) ?? null;
        if (duplicateOf === null) firstLineOfKey.set(key, r.line);
      }
      return { line: r.line, cells, duplicateOf };
    });
  }, [rows, shown, mapping, checks, definition.key]);

  const rejected = preview.filter((r) => r.cells.some((c) => c.problem)).length;
  const duplicates = preview.filter((r) => r.duplicateOf !== null).length;
  const problems = new Map<string, number>();
  for (const r of preview) {
    r.cells.forEach((c, j) => {
      if (!c.problem) return;
      const k = `${shown[j]!.name} (${c.problem.rule})`;
      problems.set(k, (problems.get(k) ?? 0) + 1);
    });
  }

  if (rows.length === 0) {
    return <p className="text-sm text-slate-500">The file has a header but no rows in its first 256 KB.</p>;
  }

  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-600">
        {rejected === 0 ? (
          <>
            All {plural(preview.length, "row")} shown pass the dataset's rules
            {whole ? "." : " (the rest of the file is checked as it loads)."}
          </>
        ) : (
          <>
            <strong className="font-semibold text-red-700">
              {rejected} of {plural(preview.length, "row")}
            </strong>{" "}
            shown would be rejected: {[...problems].map(([k, n]) => `${k} ×${n}`).join(", ")}. Hover a red
            cell for the reason.
          </>
        )}
        {duplicates > 0 &&
          ` ${plural(duplicates, "row")} repeat${duplicates === 1 ? "s" : ""} an earlier key.`}
      </p>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table aria-label="Preview" className="w-full text-sm">
          <thead>
            <tr className="border-b border-slate-200 bg-slate-50 text-left align-bottom">
              <th
                scope="col"
                className="py-2 pr-2.5 pl-4 text-xs font-semibold uppercase tracking-wide text-slate-500"
              >
                Line
              </th>
              {shown.map((c) => {
                const src = mapping.indexOf(c.name);
                return (
                  <th key={c.name} scope="col" className="px-2.5 py-2 last:pr-4">
                    <span className="block whitespace-nowrap font-mono text-xs font-semibold text-slate-700">
                      {c.name}
                    </span>
                    <span
                      className={`block whitespace-nowrap text-[11px] font-normal ${src >= 0 ? "text-slate-400" : "font-medium text-red-700"}`}
                    >
                      {src < 0
                        ? "not in the file"
                        : headers[src] === c.name
                          ? "\u00a0"
                          : `from ${headers[src] || `column ${src + 1}`}`}
                    </span>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {preview.map((r) => (
              <tr key={r.line}>
                <td className="py-1.5 pr-2.5 pl-4 align-top whitespace-nowrap font-mono text-xs text-slate-400 tabular-nums">
                  {r.line}
                  {r.duplicateOf !== null && (
                    <span
                      className="ml-1.5 rounded bg-amber-50 px-1 font-sans text-[11px] font-medium text-amber-700 ring-1 ring-amber-200 ring-inset"
                      title={`Same key as line ${r.duplicateOf}: counted as a duplicate, only the first is loaded`}
                    >
                      duplicate
                    </span>
                  )}
                </td>
                {r.cells.map((cell, j) => (
                  <td
                    key={shown[j]!.name}
                    title={cell.problem ? `${cell.problem.message} (${cell.problem.rule})` : undefined}
                    aria-invalid={cell.problem ? true : undefined}
                    className={`max-w-52 px-2.5 py-1.5 align-top text-xs last:pr-4 ${
                      cell.problem
                        ? "bg-red-100 text-red-900 shadow-[inset_2px_0_0_0] shadow-red-500"
                        : "text-slate-700"
                    }`}
                  >
                    <span className="block truncate" title={cell.problem ? undefined : cell.raw || undefined}>
                      {cell.raw === "" ? (
                        <span className={cell.problem ? "italic text-red-700" : "text-slate-300"}>
                          {cell.problem ? "missing" : "—"}
                        </span>
                      ) : (
                        cell.raw
                      )}
                    </span>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
