/**
 * Text shapes, counted while a chunk streams through the loader (one pass over strings already in
 * memory) instead of by regular expressions over every row in SQL afterwards. A shape maps
 * runs of upper-case letters to A, of lower-case to a, of digits to 9, and keeps other characters:
 * "Wayne Books #12" → "Aa Aa #9". The SQL in profile.ts (production checks) computes the same. Counts are exact while a column has at most MAX_SHAPES
 * shapes per chunk; beyond that the rest are counted under OTHER_SHAPE.
 *
 * The same pass keeps the shortest and longest value's length in characters (Unicode code points,
 * as Postgres's length() counts them), stored beside the shapes under MIN_LENGTH and MAX_LENGTH
 * (keys no shape can have), so the report need not count the characters of every row of a column
 * whose values are all different.
 */
export const SHAPED_TYPES = new Set(["text", "email", "url", "domain"]);
export const MAX_SHAPES = 500;
export const OTHER_SHAPE = "(other)";
/** Keys no shape can have: a run of digits is one 9 ("99" never occurs). */
export const MIN_LENGTH = "99min_length";
export const MAX_LENGTH = "99max_length";
const MAX_CHARS = 60;
/** Surrogate pairs (one character beyond U+FFFF, two UTF-16 units) seen by the last shapeOf. */
let pairs = 0;
const isPair = (value: string, i: number) => {
  const c = value.charCodeAt(i);
  if (c < 0xdc00 || c > 0xdfff || i === 0) return false;
  const h = value.charCodeAt(i - 1);
  return h >= 0xd800 && h <= 0xdbff;
};

/** Reused for every value: the shape's character codes, built without growing a string. */
const codes = new Uint16Array(MAX_CHARS);

export function shapeOf(value: string): string {
  let m = 0;
  let last = -1;
  const n = Math.min(value.length, MAX_CHARS);
  pairs = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && isPair(value, i)) pairs++;
    const k = c >= 97 && c <= 122 ? 97 : c >= 65 && c <= 90 ? 65 : c >= 48 && c <= 57 ? 57 : c;
    if (k !== last || (k !== 97 && k !== 65 && k !== 57)) {
      codes[m++] = k;
      last = k;
    }
  }
  const out = String.fromCharCode.apply(null, codes.subarray(0, m) as unknown as number[]);
  return value.length > MAX_CHARS ? `${out}…` : out;
}

/** Length in code points: UTF-16 units less one per surrogate pair. */
function codePoints(value: string, pairsInFirst: number): number {
  let len = value.length - pairsInFirst;
  for (let i = MAX_CHARS; i < value.length; i++) if (isPair(value, i)) len--;
  return len;
}

/** Shape counts (and the length range, under MIN_LENGTH / MAX_LENGTH) of one column in one chunk. */
export class ShapeCounter {
  readonly counts = new Map<string, number>();
  private min = Number.POSITIVE_INFINITY;
  private max = -1;
  add(value: string) {
    const s = shapeOf(value);
    const len = codePoints(value, pairs);
    if (len < this.min) {
      this.min = len;
      this.counts.set(MIN_LENGTH, len);
    }
    if (len > this.max) {
      this.max = len;
      this.counts.set(MAX_LENGTH, len);
    }
    const n = this.counts.get(s);
    if (n !== undefined) this.counts.set(s, n + 1);
    // The two length entries are not shapes.
    else if (this.counts.size < MAX_SHAPES + 2) this.counts.set(s, 1);
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
      for (const [s, n] of Object.entries(shapes)) {
        if (s !== MIN_LENGTH && s !== MAX_LENGTH) m.set(s, (m.get(s) ?? 0) + n);
      }
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

/**
 * The length range of each column over all chunks, from the MIN_LENGTH / MAX_LENGTH entries; a
 * column is left out when a chunk counted its shapes without them (loaded by an older version).
 * `removed` are values taken off since (key duplicates): a column one of them could have been the
 * shortest or longest of is left out too (the report then counts in SQL).
 */
export function mergeLengths(
  chunks: (Record<string, Record<string, number>> | null)[],
  removed: { column: string; value: string }[] = [],
): Map<string, { min: number; max: number }> {
  const out = new Map<string, { min: number; max: number }>();
  const unknown = new Set<string>();
  for (const chunk of chunks) {
    for (const [column, shapes] of Object.entries(chunk ?? {})) {
      const lo = shapes[MIN_LENGTH];
      const hi = shapes[MAX_LENGTH];
      if (lo === undefined || hi === undefined) {
        unknown.add(column);
        continue;
      }
      const r = out.get(column);
      out.set(column, r ? { min: Math.min(r.min, lo), max: Math.max(r.max, hi) } : { min: lo, max: hi });
    }
  }
  for (const { column, value } of removed) {
    const r = out.get(column);
    const len = [...value].length;
    if (r && (len <= r.min || len >= r.max)) unknown.add(column);
  }
  for (const c of unknown) out.delete(c);
  return out;
}
