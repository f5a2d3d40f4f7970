/**
 * Text shapes, counted while a chunk streams through the loader (one pass over strings already in
 * memory) instead of by regular expressions over every row in SQL afterwards. A shape maps
 * runs of upper-case letters to A, of lower-case to a, of digits to 9, and keeps other characters:
 * "Wayne Books #12" → "Aa Aa #9". The SQL in profile.ts (production checks) computes the same. Counts are exact while a column has at most MAX_SHAPES
 * shapes per chunk; beyond that the rest are counted under OTHER_SHAPE.
 */
export const SHAPED_TYPES = new Set(["text", "email", "url", "domain"]);
export const MAX_SHAPES = 500;
export const OTHER_SHAPE = "(other)";
const MAX_CHARS = 60;

/** Reused for every value: the shape's character codes, built without growing a string. */
const codes = new Uint16Array(MAX_CHARS);

export function shapeOf(value: string): string {
  let m = 0;
  let last = -1;
  const n = Math.min(value.length, MAX_CHARS);
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    const k = c >= 97 && c <= 122 ? 97 : c >= 65 && c <= 90 ? 65 : c >= 48 && c <= 57 ? 57 : c;
    if (k !== last || (k !== 97 && k !== 65 && k !== 57)) {
      codes[m++] = k;
      last = k;
    }
  }
  const out = String.fromCharCode.apply(null, codes.subarray(0, m) as unknown as number[]);
  return value.length > MAX_CHARS ? `${out}…` : out;
}

/** Shape counts of one column in one chunk. */
export class ShapeCounter {
  readonly counts = new Map<string, number>();
  add(value: string) {
    const s = shapeOf(value);
    const n = this.counts.get(s);
    if (n !== undefined) this.counts.set(s, n + 1);
    else if (this.counts.size < MAX_SHAPES) this.counts.set(s, 1);
    else this.counts.set(OTHER_SHAPE, (this.counts.get(OTHER_SHAPE) ?? 0) + 1);
  }
}

/** Sums per-chunk shape counts ({column: {shape: n}}) and keeps each column's commonest. */
export function mergeShapes(
  chunks: (Record<string, Record<string, number>> | null)[],
  top = 5,
): Map<string, { pattern: string; count: number }[]> {
  const sum = new Map<string, Map<string, number>>();
  for (const chunk of chunks) {
    for (const [column, shapes] of Object.entries(chunk ?? {})) {
      const m = sum.get(column) ?? new Map<string, number>();
      for (const [s, n] of Object.entries(shapes)) m.set(s, (m.get(s) ?? 0) + n);
      sum.set(column, m);
    }
  }
  return new Map(
    [...sum].map(([column, m]) => [
      column,
      [...m]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, top)
        .map(([pattern, count]) => ({ pattern, count })),
    ]),
  );
}
