"use client";

import type { DatasetDefinition } from "@/datasets/definition";
import type { Mapping, MatchKind } from "@/ingest/mapping";
import { Badge } from "../ui/badge";
import { Select } from "../ui/field";

/** How a header came to fill its column: the server's match kinds, or the analyst's own choice. */
export type MappingKind = MatchKind | "manual";

const KIND: Record<
  MappingKind,
  { label: string; tone: "good" | "info" | "warn" | "neutral"; title: string }
> = {
  remembered: {
    label: "remembered",
    tone: "info",
    title: "The mapping confirmed for this exact header set last time",
  },
  exact: { label: "exact", tone: "good", title: "The header is the column's name" },
  normalized: {
    label: "normalized",
    tone: "good",
    title: "The header matches the column's name ignoring case, spaces and punctuation",
  },
  alias: { label: "alias", tone: "good", title: "The header is one of the column's aliases" },
  fuzzy: { label: "fuzzy", tone: "warn", title: "A close spelling of the column's name: check it" },
  none: { label: "ignored", tone: "neutral", title: "No column matched: this file column is not imported" },
  manual: { label: "manual", tone: "info", title: "Chosen by you" },
};

/** One row per file column: its header, a few sample values, and the dataset column it fills. */
export function MappingTable({
  headers,
  samples,
  definition,
  mapping,
  kinds,
  onChange,
}: {
  headers: string[];
  samples: string[][];
  definition: DatasetDefinition;
  mapping: Mapping;
  kinds: MappingKind[];
  onChange: (index: number, column: string | null) => void;
}) {
  const isRequired = (name: string) =>
    definition.key.includes(name) || definition.columns.some((c) => c.name === name && c.required);
  const usedBy = (column: string, except: number) =>
    mapping.findIndex((c, i) => c === column && i !== except);

  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table aria-label="Column mapping" className="w-full text-sm">
        <thead>
          <tr className="whitespace-nowrap border-b border-slate-200 bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <th scope="col" className="py-2 pr-2.5 pl-4">
              File column
            </th>
            <th scope="col" className="px-2.5 py-2">
              Sample values
            </th>
            <th scope="col" className="px-2.5 py-2">
              Dataset column
            </th>
            <th scope="col" className="py-2 pr-4 pl-2.5">
              Match
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {headers.map((h, i) => {
            const column = mapping[i] ?? null;
            const clash = column ? usedBy(column, i) : -1;
            const kind = column ? (kinds[i] ?? "manual") : "none";
            const name = h || `column ${i + 1}`;
            const values = samples.map((r) => r[i] ?? "").filter((v) => v !== "");
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a file column is its position
              <tr key={i} className={column ? "" : "bg-slate-50/60"}>
                <td className="whitespace-nowrap py-2 pr-2.5 pl-4 align-middle">
                  <span className={`font-medium ${column ? "text-slate-900" : "text-slate-500"}`}>
                    {h || <span className="italic text-slate-400">{name} (no header)</span>}
                  </span>
                </td>
                <td className="w-full max-w-0 px-2.5 py-2 align-middle">
                  <span
                    className="block truncate font-mono text-xs text-slate-500"
                    title={values.slice(0, 5).join(" · ")}
                  >
                    {values.length ? values.slice(0, 3).join(" · ") : <span className="italic">empty</span>}
                  </span>
                </td>
                <td className="px-2.5 py-2 align-middle">
                  <Select
                    size="sm"
                    aria-label={`Column for ${name}`}
                    value={column ?? ""}
                    aria-invalid={clash >= 0 ? true : undefined}
                    onChange={(e) => onChange(i, e.target.value || null)}
                    className="w-64"
                  >
                    <option value="">— ignore —</option>
                    {definition.columns.map((c) => {
                      const other = usedBy(c.name, i);
                      return (
                        <option key={c.name} value={c.name}>
                          {c.name} · {c.type}
                          {isRequired(c.name) ? " · required" : ""}
                          {other >= 0 ? ` (from ${headers[other] || `column ${other + 1}`})` : ""}
                        </option>
                      );
                    })}
                  </Select>
                  {clash >= 0 && (
                    <p className="mt-1 text-xs text-red-700">
                      {headers[clash] || `column ${clash + 1}`} fills {column} too; choose one
                    </p>
                  )}
                </td>
                <td className="py-2 pr-4 pl-2.5 align-middle">
                  <span title={KIND[kind].title}>
                    <Badge tone={KIND[kind].tone}>{KIND[kind].label}</Badge>
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
