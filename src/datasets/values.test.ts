import { describe, expect, it } from "vitest";
import type { ColumnDefinition } from "./definition";
import { compileColumn, compileNormalizer, InvalidCell } from "./values";

type Col = Partial<ColumnDefinition> & Pick<ColumnDefinition, "type">;

/** What a column makes of a cell: the COPY-ready value, null, or `{ rule }` when it is invalid. */
function check(col: Col, raw: string) {
  const result = compileColumn({ name: "c", ...col } as ColumnDefinition)(raw);
  return result instanceof InvalidCell ? { rule: result.rule, message: result.message } : result;
}
const rule = (col: Col, raw: string) => {
  const r = check(col, raw);
  return r !== null && typeof r === "object" ? r.rule : "valid";
};

describe("compileColumn: types", () => {
  it("keeps text exactly as written, spaces and all", () => {
    expect(check({ type: "text" }, '  a "quoted", text\n ')).toBe('  a "quoted", text\n ');
  });

  it("accepts whole numbers for integer, spaces trimmed, and refuses others", () => {
    expect(check({ type: "integer" }, " 42 ")).toBe("42");
    expect(check({ type: "integer" }, "-7")).toBe("-7");
    expect(check({ type: "integer" }, "+007")).toBe("+007");
    for (const bad of ["4.5", "abc", "1e3", "12 3", "0x10"])
      expect(rule({ type: "integer" }, bad), bad).toBe("type");
  });

  it("accepts exactly Postgres bigint's range for integer", () => {
    expect(check({ type: "integer" }, "9223372036854775807")).toBe("9223372036854775807");
    expect(check({ type: "integer" }, "-9223372036854775808")).toBe("-9223372036854775808");
    expect(check({ type: "integer" }, "0000000000000000000000042")).toBe("0000000000000000000000042");
    expect(check({ type: "integer" }, "9223372036854775808")).toMatchObject({
      rule: "type",
      message: expect.stringMatching(/out of range/),
    });
    expect(rule({ type: "integer" }, "-9223372036854775809")).toBe("type");
  });

  it("accepts decimals with a point or an exponent and explains a decimal comma", () => {
    for (const ok of ["1.5", "-0.25", ".5", "5.", "1e3", "2.5E-4", "+3"])
      expect(check({ type: "decimal" }, ok)).toBe(ok);
    expect(check({ type: "decimal" }, "1,5")).toMatchObject({
      rule: "type",
      message: expect.stringMatching(/decimal comma/),
    });
    for (const bad of ["abc", "1.2.3", "NaN", "Infinity", "1e"])
      expect(rule({ type: "decimal" }, bad), bad).toBe("type");
  });

  it("refuses decimals Postgres' numeric cannot hold, instead of failing the whole load", () => {
    expect(check({ type: "decimal" }, "1e131071")).toBe("1e131071");
    expect(check({ type: "decimal" }, "1e-16383")).toBe("1e-16383");
    for (const bad of ["1e131072", "1e1000000", "1e-16384", "0.5e-99999"]) {
      expect(check({ type: "decimal" }, bad), bad).toMatchObject({
        rule: "type",
        message: expect.stringMatching(/out of range/),
      });
    }
  });

  it("reads yes/no values for boolean as t or f", () => {
    for (const t of ["true", "TRUE", "t", "yes", "Y", "1"]) expect(check({ type: "boolean" }, t)).toBe("t");
    for (const f of ["false", "F", "no", "n", "0"]) expect(check({ type: "boolean" }, f)).toBe("f");
    expect(rule({ type: "boolean" }, "maybe")).toBe("type");
  });

  it("accepts real calendar dates only", () => {
    expect(check({ type: "date" }, "2024-02-29")).toBe("2024-02-29");
    for (const bad of ["2026-02-29", "2026-13-01", "2026-04-31", "31/01/2026", "2026-1-5", "0000-01-01"]) {
      expect(rule({ type: "date" }, bad), bad).toBe("type");
    }
  });

  it("takes a timestamp without a zone as UTC (adds Z) and keeps an explicit zone", () => {
    expect(check({ type: "timestamp" }, "2026-01-31T14:05:00Z")).toBe("2026-01-31T14:05:00Z");
    expect(check({ type: "timestamp" }, "2026-01-31T14:05:00")).toBe("2026-01-31T14:05:00Z");
    expect(check({ type: "timestamp" }, "2026-01-31 14:05")).toBe("2026-01-31 14:05Z");
    expect(check({ type: "timestamp" }, "2026-01-31")).toBe("2026-01-31Z");
    expect(check({ type: "timestamp" }, "2026-01-31T14:05:00.123456+02:00")).toBe(
      "2026-01-31T14:05:00.123456+02:00",
    );
    expect(check({ type: "timestamp" }, "2026-01-31 14:05:00 -0530")).toBe("2026-01-31 14:05:00 -0530");
  });

  it("refuses timestamps Postgres would refuse: bad fields, year 0, a zone offset of 16 hours or more", () => {
    for (const bad of [
      "2026-01-31T24:00:00Z",
      "2026-01-31T14:60:00Z",
      "2026-02-30T00:00:00Z",
      "yesterday",
      "0000-01-01T00:00:00Z",
      "2026-01-01T00:00:00+16",
      "2026-01-01T00:00:00+99:00",
      "2026-01-01T00:00:00+15:60",
      "2026-12-31T23:59:60.5Z",
      "2026-01-31-05:00",
    ]) {
      expect(rule({ type: "timestamp" }, bad), bad).toBe("type");
    }
    expect(rule({ type: "timestamp" }, "2026-01-01T00:00:00+15:59")).toBe("valid");
  });

  it("checks email, url and domain shapes", () => {
    expect(rule({ type: "email" }, "info@example.com")).toBe("valid");
    for (const bad of ["not-an-email", "a@b", "a b@example.com", "@example.com"])
      expect(rule({ type: "email" }, bad), bad).toBe("type");
    expect(rule({ type: "url" }, "https://example.com:8443/a?b=c#d")).toBe("valid");
    expect(rule({ type: "url" }, "http://[::1]/")).toBe("valid");
    for (const bad of ["ftp://example.com", "example.com", "https://exa mple.com"])
      expect(rule({ type: "url" }, bad), bad).toBe("type");
    expect(rule({ type: "domain" }, "shop.example.co.uk")).toBe("valid");
    expect(rule({ type: "domain" }, "xn--bcher-kva.example")).toBe("valid");
    for (const bad of ["localhost", "-bad.example.com", "a..b.com", "http://example.com"])
      expect(rule({ type: "domain" }, bad), bad).toBe("type");
  });

  it("accepts only the listed values for enum, case-sensitively", () => {
    const col: Col = { type: "enum", values: ["US", "GB"] };
    expect(check(col, "US")).toBe("US");
    expect(check(col, "us")).toMatchObject({ rule: "values", message: '"us" is not one of US, GB' });
  });
});

describe("compileColumn: rules", () => {
  it("turns an empty cell into null, or a required violation", () => {
    expect(check({ type: "integer" }, "")).toBeNull();
    expect(check({ type: "integer" }, "   ")).toBeNull();
    expect(check({ type: "text", required: true }, "")).toEqual({
      rule: "required",
      message: "c is required",
    });
    expect(check({ type: "domain", required: true }, "  ")).toMatchObject({ rule: "required" });
    // Text keeps spaces unless told to trim: a cell of spaces is a value.
    expect(check({ type: "text", required: true }, "  ")).toBe("  ");
  });

  it("checks min and max on numbers, inclusive", () => {
    const col: Col = { type: "decimal", min: 0, max: 5 };
    expect(check(col, "0")).toBe("0");
    expect(check(col, "5")).toBe("5");
    expect(check(col, "7.5")).toEqual({ rule: "max", message: "7.5 is above the maximum 5" });
    expect(check(col, "-0.1")).toEqual({ rule: "min", message: "-0.1 is below the minimum 0" });
    expect(rule({ type: "integer", min: 1, max: 5 }, "6")).toBe("max");
  });

  it("checks minLength and maxLength in characters, an emoji counting as one", () => {
    const col: Col = { type: "text", minLength: 2, maxLength: 3 };
    expect(check(col, "ab")).toBe("ab");
    expect(check(col, "🎉🎉🎉")).toBe("🎉🎉🎉");
    expect(check(col, "a")).toEqual({ rule: "minLength", message: "is 1 characters; at least 2 needed" });
    expect(check(col, "abcd")).toEqual({ rule: "maxLength", message: "is 4 characters; at most 3 allowed" });
  });

  it("checks a pattern against the normalised value", () => {
    const col: Col = { type: "text", pattern: "^[A-Z]{2}-\\d+$", normalize: ["trim", "uppercase"] };
    expect(check(col, " ab-12 ")).toBe("AB-12");
    expect(check(col, "ab12")).toEqual({ rule: "pattern", message: '"AB12" does not match ^[A-Z]{2}-\\d+$' });
  });

  it("reports the type before any other rule", () => {
    expect(rule({ type: "integer", min: 10 }, "abc")).toBe("type");
  });
});

describe("compileNormalizer", () => {
  it("applies trim, lowercase, uppercase and collapse_whitespace in the order given", () => {
    expect(compileNormalizer({ type: "text", normalize: ["trim"] })("  a b  ")).toBe("a b");
    expect(compileNormalizer({ type: "text", normalize: ["lowercase"] })(" ÀB ")).toBe(" àb ");
    expect(compileNormalizer({ type: "text", normalize: ["uppercase"] })("straße")).toBe("STRASSE");
    expect(compileNormalizer({ type: "text", normalize: ["collapse_whitespace"] })(" a \t\n b  c ")).toBe(
      "a b c",
    );
    expect(compileNormalizer({ type: "enum", normalize: ["trim", "uppercase"] })(" fr ")).toBe("FR");
  });

  it("leaves text and enum values alone without normalisers, and trims every other type", () => {
    expect(compileNormalizer({ type: "text" })("  x  ")).toBe("  x  ");
    expect(compileNormalizer({ type: "enum" })(" x ")).toBe(" x ");
    expect(compileNormalizer({ type: "email" })(" a@b.co ")).toBe("a@b.co");
  });
});
