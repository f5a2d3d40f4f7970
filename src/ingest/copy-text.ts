/** PostgreSQL COPY text format: tab-separated, `\N` for null, with backslash escapes. */
const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

export function copyValue(v: string | null): string {
  if (v === null) return "\\N";
  return SPECIAL.test(v) ? v.replace(SPECIAL_ALL, (c) => ESCAPES[c]!) : v;
}

const UNESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", v: "\v" };

/** One line of `COPY … TO STDOUT` text output (without its newline) back into its fields. */
export function decodeCopyLine(line: string): (string | null)[] {
  const out: (string | null)[] = [];
  for (const field of line.split("\t")) {
    if (field === "\\N") out.push(null);
    else if (!field.includes("\\")) out.push(field);
    else out.push(field.replace(/\\(.)/g, (_, c: string) => UNESCAPES[c] ?? c));
  }
  return out;
}
