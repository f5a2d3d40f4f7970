import type { DatasetDefinition } from "@/datasets/definition";

/**
 * Matching a file's headers to a dataset's columns. Pure, so the browser suggests the same mapping
 * the server would apply. A mapping is, per header position, the column it fills (or null).
 */
export type Mapping = (string | null)[];
export type MatchKind = "remembered" | "exact" | "normalized" | "alias" | "fuzzy" | "none";

export interface MappingSuggestion {
  mapping: Mapping;
  kinds: MatchKind[];
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");

function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** Suggests a column per header: exact name, then case/space-insensitive, aliases, then close spellings. */
export function suggestMapping(
  headers: string[],
  def: DatasetDefinition,
  remembered?: Mapping | null,
): MappingSuggestion {
  if (
    remembered &&
    remembered.length === headers.length &&
    remembered.every((c) => c === null || def.columns.some((d) => d.name === c))
  ) {
    return { mapping: [...remembered], kinds: remembered.map((c) => (c ? "remembered" : "none")) };
  }
  const mapping: Mapping = headers.map(() => null);
  const kinds: MatchKind[] = headers.map(() => "none");
  const taken = new Set<string>();
  const passes: [MatchKind, (h: string, c: DatasetDefinition["columns"][number]) => boolean][] = [
    ["exact", (h, c) => h === c.name],
    ["normalized", (h, c) => squash(h) === squash(c.name) || squash(h) === squash(c.title ?? "\u0000")],
    ["alias", (h, c) => (c.aliases ?? []).some((a) => a === h || squash(a) === squash(h))],
    [
      "fuzzy",
      (h, c) => {
        const a = squash(h);
        const b = squash(c.name);
        if (a.length < 3 || b.length < 3) return false;
        return levenshtein(a, b) <= Math.max(1, Math.floor(Math.min(a.length, b.length) / 5));
      },
    ],
  ];
  for (const [kind, matches] of passes) {
    headers.forEach((h, i) => {
      if (mapping[i]) return;
      const col = def.columns.find((c) => !taken.has(c.name) && matches(h.trim(), c));
      if (col) {
        mapping[i] = col.name;
        kinds[i] = kind;
        taken.add(col.name);
      }
    });
  }
  return { mapping, kinds };
}

export interface MappingCheck {
  /** Required (or key) columns no header fills: submitting is blocked. */
  missingRequired: string[];
  /** Columns two headers claim. */
  duplicated: string[];
  /** Headers that fill no column: ignored, with a warning. */
  ignoredHeaders: string[];
  /** Optional columns no header fills: loaded as empty. */
  missingOptional: string[];
}

export function checkMapping(headers: string[], mapping: Mapping, def: DatasetDefinition): MappingCheck {
  const filled = new Map<string, number>();
  const duplicated = new Set<string>();
  mapping.forEach((c) => {
    if (!c) return;
    if (filled.has(c)) duplicated.add(c);
    filled.set(c, (filled.get(c) ?? 0) + 1);
  });
  const required = (c: DatasetDefinition["columns"][number]) => c.required || def.key.includes(c.name);
  return {
    missingRequired: def.columns.filter((c) => required(c) && !filled.has(c.name)).map((c) => c.name),
    duplicated: [...duplicated],
    ignoredHeaders: headers.filter((_, i) => !mapping[i]),
    missingOptional: def.columns.filter((c) => !required(c) && !filled.has(c.name)).map((c) => c.name),
  };
}

/** Header drift against the previous upload's headers: what was renamed, went missing or is new. */
export interface HeaderDrift {
  missing: string[];
  added: string[];
  /** Pairs whose names differ only slightly (likely renames). */
  renamed: { from: string; to: string }[];
}

export function headerDrift(previous: string[], current: string[]): HeaderDrift | null {
  const prev = new Set(previous);
  const cur = new Set(current);
  let missing = previous.filter((h) => !cur.has(h));
  let added = current.filter((h) => !prev.has(h));
  const renamed: { from: string; to: string }[] = [];
  for (const m of [...missing]) {
    const to = added.find((a) => squash(a) === squash(m) || levenshtein(squash(a), squash(m)) <= 2);
    if (to) {
      renamed.push({ from: m, to });
      missing = missing.filter((x) => x !== m);
      added = added.filter((x) => x !== to);
    }
  }
  return missing.length || added.length || renamed.length ? { missing, added, renamed } : null;
}

/** Stable identity of a header set, for remembering a mapping. */
export function headerKey(headers: string[]): string {
  return headers.map((h) => h.trim()).join("\u001f");
}
