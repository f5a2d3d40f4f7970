import type { ColumnDefinition } from "./definition";

/**
 * Turning one CSV cell into a typed value, per column: normalise, then check type and rules.
 * Compiled once per column into a closure (the pipeline calls it for every cell of every row, and
 * the browser's preview calls the same code, so what it highlights is what the worker rejects).
 *
 * A check answers the value in PostgreSQL COPY-ready form (a string, or null for empty), or an
 * `InvalidCell` saying which rule the cell broke and why. No allocation on the valid path: this
 * runs ten million times for a million-row file.
 */
export class InvalidCell {
  constructor(
    readonly rule: string,
    readonly message: string,
  ) {}
}

export type CellCheck = (raw: string) => string | null | InvalidCell;

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)? ?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
// Pragmatic, not RFC 5322: one @, no spaces, a dot in the domain part.
const EMAIL =
  /^[^\s@"(),:;<>[\\\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const DOMAIN =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;
// http(s), a host (name, IPv4 or [IPv6]) with an optional port, then any non-space path/query/fragment.
const URL_RE =
  /^https?:\/\/(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:[/?#][^\s]*)?$/i;
const SPACE_RUN = /\s{2,}|[\t\n\r\f\v]/;
const TRUE = new Set(["true", "t", "yes", "y", "1"]);
const FALSE = new Set(["false", "f", "no", "n", "0"]);
/** Postgres bigint bounds (magnitudes), as strings compared by length then lexically. */
const BIGINT_MAX = "9223372036854775807";
const BIGINT_MIN_MAGNITUDE = "9223372036854775808";
/** Postgres numeric holds up to 131072 digits before the point (weight) and 16383 after it (scale). */
const NUMERIC_MAX_EXPONENT = 131_071;
const NUMERIC_MAX_SCALE = 16_383;
const DECIMAL_PARTS = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function compileNormalizer(col: Pick<ColumnDefinition, "normalize" | "type">): (s: string) => string {
  const steps: ((s: string) => string)[] = [];
  for (const n of col.normalize ?? []) {
    if (n === "trim") steps.push((s) => s.trim());
    else if (n === "lowercase") steps.push((s) => s.toLowerCase());
    else if (n === "uppercase") steps.push((s) => s.toUpperCase());
    else if (n === "collapse_whitespace")
      steps.push((s) => (SPACE_RUN.test(s) ? s.replace(/\s+/g, " ").trim() : s.trim()));
  }
  // Typed values never mean their surrounding spaces; text keeps them unless asked.
  if (!["text", "enum"].includes(col.type) && !(col.normalize ?? []).includes("trim"))
    steps.unshift((s) => s.trim());
  if (steps.length === 0) return (s) => s;
  if (steps.length === 1) return steps[0]!;
  return (s) => {
    let v = s;
    for (const step of steps) v = step(v);
    return v;
  };
}

function bigintInRange(digits: string): boolean {
  if (digits.length < 19) return true;
  const bound = digits.startsWith("-") ? BIGINT_MIN_MAGNITUDE : BIGINT_MAX;
  const d = digits.replace(/^[+-]/, "").replace(/^0+(?=\d)/, "");
  return d.length < bound.length || (d.length === bound.length && d <= bound);
}

/** Whether a syntactically valid decimal fits Postgres numeric (COPY fails the whole load otherwise). */
function numericInRange(v: string): boolean {
  if (v.length <= 30 && !/[eE]/.test(v)) return true;
  const [, intPart = "", frac = "", exp = "0"] = DECIMAL_PARTS.exec(v)!;
  const e = Number(exp);
  if (Math.abs(e) >= 1_073_741_823) return false; // Postgres' own bound on an exponent (INT_MAX / 2)
  if (frac.length - e > NUMERIC_MAX_SCALE) return false;
  const int = intPart.replace(/^0+/, "");
  const firstNonZero = frac.search(/[1-9]/);
  if (!int && firstNonZero === -1) return true; // zero has no magnitude to overflow
  return (int ? int.length - 1 : -(firstNonZero + 1)) + e <= NUMERIC_MAX_EXPONENT;
}

/** A zone offset Postgres accepts: under 16 hours, minutes under 60. */
function realZone(zone: string): boolean {
  if (zone === "Z" || zone === "z") return true;
  const digits = zone.slice(1).replace(":", "");
  return Number(digits.slice(0, 2)) <= 15 && Number(digits.slice(2) || 0) <= 59;
}

function realDate(y: number, m: number, d: number): boolean {
  // Postgres has no year 0 (1 BC); four-digit years start at 0001.
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0);
  return d <= DAYS_IN_MONTH[m - 1]! + (leap ? 1 : 0);
}

const TIMESTAMP_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const num2 = (s: string, i: number) => digit(s, i) * 10 + digit(s, i + 1);

/** `2026-01-31T14:05:00Z`, the commonest form, checked without a regex. */
function isPlainUtcTimestamp(v: string): boolean {
  if (v.length !== 20 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(10) !== 84)
    return false;
  if (v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58 || v.charCodeAt(19) !== 90) return false;
  for (let k = 0; k < TIMESTAMP_DIGITS.length; k++) {
    const c = digit(v, TIMESTAMP_DIGITS[k]!);
    if (c < 0 || c > 9) return false;
  }
  const y = digit(v, 0) * 1000 + digit(v, 1) * 100 + num2(v, 2);
  return realDate(y, num2(v, 5), num2(v, 8)) && num2(v, 11) < 24 && num2(v, 14) < 60 && num2(v, 17) <= 60;
}

/** The type check alone: the value in COPY form, or why it is not one. */
function compileType(col: ColumnDefinition): (v: string) => string | InvalidCell {
  switch (col.type) {
    case "text":
      return (v) => v;
    case "integer":
      return (v) =>
        !INTEGER.test(v)
          ? new InvalidCell("type", `"${clip(v)}" is not a whole number`)
          : !bigintInRange(v)
            ? new InvalidCell("type", `${clip(v)} is out of range for an integer`)
            : v;
    case "decimal":
      return (v) =>
        DECIMAL.test(v)
          ? numericInRange(v)
            ? v
            : new InvalidCell("type", `${clip(v)} is out of range for a number`)
          : new InvalidCell(
              "type",
              DECIMAL_COMMA.test(v)
                ? `"${clip(v)}" uses a decimal comma; use a point (1.5)`
                : `"${clip(v)}" is not a number`,
            );
    case "boolean":
      return (v) => {
        const l = v.toLowerCase();
        if (TRUE.has(l)) return "t";
        if (FALSE.has(l)) return "f";
        return new InvalidCell("type", `"${clip(v)}" is not a yes/no value (true/false, yes/no, 1/0)`);
      };
    case "date":
      return (v) => {
        const m = DATE.exec(v);
        return m && realDate(Number(m[1]), Number(m[2]), Number(m[3]))
          ? v
          : new InvalidCell("type", `"${clip(v)}" is not a date (YYYY-MM-DD)`);
      };
    case "timestamp":
      return (v) => {
        if (isPlainUtcTimestamp(v)) return v;
        const m = TIMESTAMP.exec(v);
        if (
          !m ||
          !realDate(Number(m[1]), Number(m[2]), Number(m[3])) ||
          Number(m[4] ?? 0) > 23 ||
          Number(m[5] ?? 0) > 59 ||
          Number(m[6] ?? 0) > 60 ||
          // A leap second (60) is taken, but not past it (60.5), as Postgres does.
          (m[6] === "60" && /\.\d*[1-9]/.test(v)) ||
          (m[7] !== undefined && !realZone(m[7])) ||
          // An offset needs a time to follow: Postgres reads 2026-01-31-05 as a malformed date.
          (m[4] === undefined && m[7] !== undefined && m[7].length > 1)
        ) {
          return new InvalidCell(
            "type",
            `"${clip(v)}" is not a timestamp (ISO 8601, e.g. 2026-01-31T14:05:00Z)`,
          );
        }
        // Without a zone, a timestamp is taken as UTC, whatever the server's time zone.
        return m[7] ? v : `${v}Z`;
      };
    case "email":
      return (v) => (EMAIL.test(v) ? v : new InvalidCell("type", `"${clip(v)}" is not an email address`));
    case "url":
      return (v) => (URL_RE.test(v) ? v : new InvalidCell("type", `"${clip(v)}" is not an http(s) URL`));
    case "domain":
      return (v) => (DOMAIN.test(v) ? v : new InvalidCell("type", `"${clip(v)}" is not a domain name`));
    case "enum": {
      const allowed = new Set(col.values ?? []);
      const list = (col.values ?? []).join(", ");
      return (v) => (allowed.has(v) ? v : new InvalidCell("values", `"${clip(v)}" is not one of ${list}`));
    }
  }
}

/** The whole check for one column: normalise, required, type, then range, length and pattern rules. */
export function compileColumn(col: ColumnDefinition): CellCheck {
  const normalize = compileNormalizer(col);
  const typeCheck = compileType(col);
  const { min, max, minLength, maxLength } = col;
  const pattern = col.pattern !== undefined ? new RegExp(col.pattern, "u") : undefined;
  const numeric = col.type === "integer" || col.type === "decimal";
  const hasExtra =
    (numeric && (min !== undefined || max !== undefined)) ||
    minLength !== undefined ||
    maxLength !== undefined ||
    pattern !== undefined;
  const required = new InvalidCell("required", `${col.name} is required`);
  const charLength = (v: string) => (/[\uD800-\uDBFF]/.test(v) ? [...v].length : v.length);

  return (raw) => {
    const v = normalize(raw);
    if (v === "") return col.required ? required : null;
    const typed = typeCheck(v);
    if (!hasExtra || typed instanceof InvalidCell) return typed;
    if (numeric) {
      const n = Number(v);
      if (min !== undefined && n < min)
        return new InvalidCell("min", `${clip(v)} is below the minimum ${min}`);
      if (max !== undefined && n > max)
        return new InvalidCell("max", `${clip(v)} is above the maximum ${max}`);
    }
    if (minLength !== undefined || maxLength !== undefined) {
      const len = charLength(v);
      if (minLength !== undefined && len < minLength) {
        return new InvalidCell("minLength", `is ${len} characters; at least ${minLength} needed`);
      }
      if (maxLength !== undefined && len > maxLength) {
        return new InvalidCell("maxLength", `is ${len} characters; at most ${maxLength} allowed`);
      }
    }
    if (pattern && !pattern.test(v))
      return new InvalidCell("pattern", `"${clip(v)}" does not match ${col.pattern}`);
    return typed;
  };
}

function clip(v: string): string {
  return v.length > 60 ? `${v.slice(0, 57)}…` : v;
}

/** The Postgres column type each definition type is stored as. */
export const PG_TYPE: Record<ColumnDefinition["type"], string> = {
  text: "text",
  integer: "bigint",
  decimal: "numeric",
  boolean: "boolean",
  date: "date",
  timestamp: "timestamptz",
  email: "text",
  url: "text",
  domain: "text",
  enum: "text",
};
