import type { RouterOutputs } from "@/trpc/react";

type Report = RouterOutputs["quality"]["report"];

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return "";
  let s = String(v);
  // A spreadsheet opening the file must not run anything (as for the rejects download).
  if (/^[=+\-@\t\r]/.test(s) && Number.isNaN(Number(s))) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * The report as one long CSV (section, item, metric, value): every score, column metric,
 * violation and drift figure on its own line, easy to filter and pivot in a spreadsheet.
 */
export function reportCsv(r: Report): string {
  const out: unknown[][] = [["section", "item", "metric", "value"]];
  out.push(
    ["gate", "overall", "score", r.overall],
    ["gate", "overall", "min", r.minScore],
    ["gate", "overall", "passed", r.passed],
  );
  for (const [name, s] of Object.entries(r.scores)) {
    out.push(
      ["score", name, "value", s.value],
      ["score", name, "weight", r.weights[name as keyof typeof r.weights] ?? 0],
      ["score", name, "how", s.how],
    );
  }
  for (const p of r.profiles) {
    const metrics: [string, unknown][] = [
      ["type", p.type],
      ["filled", p.filled],
      ["null_percent", p.nullPercent],
      ["distinct", p.distinct],
      ["min", p.min],
      ["max", p.max],
      ["mean", p.mean],
      ...Object.entries(p.percentiles ?? {}),
      ["min_length", p.minLength],
      ["max_length", p.maxLength],
      ...(p.top ?? []).map((t, i) => [`top_${i + 1}`, `${t.value} (${t.count})`] as [string, unknown]),
      ...(p.patterns ?? []).map(
        (t, i) => [`pattern_${i + 1}`, `${t.pattern} (${t.count})`] as [string, unknown],
      ),
      ...(p.histogram
        ? [
            ["histogram", `${p.histogram.lo}..${p.histogram.hi}: ${p.histogram.counts.join(" ")}`] as [
              string,
              unknown,
            ],
          ]
        : []),
      ...Object.entries(p.invalid).map(([rule, n]) => [`invalid_${rule}`, n] as [string, unknown]),
    ];
    for (const [m, v] of metrics) if (v !== undefined && v !== null) out.push(["column", p.column, m, v]);
  }
  for (const v of r.violations) {
    out.push(
      ["violation", `${v.column} ${v.rule}`, "count", v.count],
      ["violation", `${v.column} ${v.rule}`, "percent", v.percent],
      ["violation", `${v.column} ${v.rule}`, "sample_lines", v.samples.map((s) => s.line).join(" ")],
    );
  }
  if (r.drift) {
    out.push(
      ["drift", "rows", "before", r.drift.rows.before],
      ["drift", "rows", "after", r.drift.rows.after],
    );
    for (const c of r.drift.columns) {
      out.push(["drift", c.column, "null_percent", `${c.nullPercent.before} -> ${c.nullPercent.after}`]);
      out.push(["drift", c.column, "distinct", `${c.distinct.before} -> ${c.distinct.after}`]);
      if (c.psi) out.push(["drift", c.column, "psi", c.psi.value]);
      if (c.newValues) out.push(["drift", c.column, "new_values", c.newValues.map((v) => v.value).join(" ")]);
    }
  }
  return `${out.map((row) => row.map(cell).join(",")).join("\r\n")}\r\n`;
}

export function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
