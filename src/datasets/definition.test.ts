import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import { formatIssuePath } from "./definition";
import { parseDefinition } from "./registry";
import listingsJson from "./samples/listings.json";

const base = {
  name: "things",
  title: "Things",
  key: ["id"],
  columns: [
    { name: "id", type: "integer", required: true },
    { name: "label", type: "text" },
  ],
};

/** The problems parseDefinition reports, each naming its field. */
function problems(input: unknown): string[] {
  try {
    parseDefinition(input);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("BAD_REQUEST");
    return (err as AppError).details as string[];
  }
  throw new Error("the definition was accepted");
}

describe("dataset definitions", () => {
  it("accepts the DESIGN.md example, filling in defaults", () => {
    const def = parseDefinition(listingsJson);
    expect(def.name).toBe("listings");
    expect(def.quality).toEqual({ minScore: 90 });
    expect(parseDefinition({ ...base, key: undefined, quality: undefined })).toMatchObject({
      key: [],
      quality: { minScore: 90 },
    });
  });

  it("names the field of an enum column without values, and of values on a non-enum column", () => {
    expect(problems({ ...base, columns: [...base.columns, { name: "country", type: "enum" }] })).toEqual([
      "columns[2].values: an enum column needs `values`",
    ]);
    expect(
      problems({ ...base, columns: [base.columns[0], { name: "label", type: "text", values: ["a"] }] }),
    ).toEqual(["columns[1].values: `values` only applies to enum columns"]);
  });

  it("names a key that is not one of the columns", () => {
    expect(problems({ ...base, key: ["id", "missing"] })).toEqual([
      'key[1]: "missing" is not one of the columns',
    ]);
  });

  it("names the second of two columns with the same name", () => {
    expect(problems({ ...base, columns: [...base.columns, { name: "label", type: "email" }] })).toEqual([
      'columns[2].name: duplicates columns[1].name "label"',
    ]);
  });

  it("refuses column names starting with _ (reserved for Sluice's own columns)", () => {
    const found = problems({ ...base, columns: [...base.columns, { name: "_batch_id", type: "text" }] });
    expect(found.length).toBeGreaterThan(0);
    for (const p of found) expect(p).toMatch(/^columns\[2\]\.name: /);
  });

  it("refuses names that are not lower-case identifiers, naming the field", () => {
    expect(problems({ ...base, name: "My Things" })[0]).toMatch(/^name: must be a lower-case identifier/);
    expect(problems({ ...base, columns: [base.columns[0], { name: "Label", type: "text" }] })[0]).toMatch(
      /^columns\[1\]\.name: /,
    );
    expect(problems({ ...base, name: "a".repeat(64) })[0]).toMatch(/^name: /);
  });

  it("names a pattern that is not a valid regular expression", () => {
    const found = problems({
      ...base,
      columns: [base.columns[0], { name: "label", type: "text", pattern: "([a-z" }],
    });
    expect(found).toEqual([
      expect.stringMatching(/^columns\[1\]\.pattern: not a valid regular expression: /),
    ]);
  });

  it("names rules that do not fit: min above max, min on text, an unknown type or field", () => {
    expect(problems({ ...base, columns: [{ name: "id", type: "integer", min: 5, max: 1 }] })).toEqual([
      "columns[0].max: max must be at least min",
    ]);
    expect(
      problems({ ...base, columns: [base.columns[0], { name: "label", type: "text", min: 1 }] }),
    ).toEqual(["columns[1].min: min/max are numbers and apply to integer and decimal columns, not text"]);
    expect(problems({ ...base, columns: [base.columns[0], { name: "label", type: "json" }] })[0]).toMatch(
      /^columns\[1\]\.type: /,
    );
    expect(
      problems({ ...base, columns: [base.columns[0], { name: "label", type: "text", colour: "red" }] })[0],
    ).toMatch(/^columns\[1\]: .*colour/);
  });

  it("reports every problem at once, not only the first", () => {
    const found = problems({
      name: "Bad Name",
      title: "",
      key: ["nope"],
      columns: [{ name: "x", type: "enum" }],
    });
    expect(found.map((p) => p.split(":")[0])).toEqual(
      expect.arrayContaining(["name", "title", "key[0]", "columns[0].values"]),
    );
  });

  it("refuses a dataset without columns", () => {
    expect(problems({ ...base, key: [], columns: [] })).toEqual([
      "columns: a dataset needs at least one column",
    ]);
  });
});

describe("formatIssuePath", () => {
  it("writes paths the way the definition is read", () => {
    expect(formatIssuePath(["columns", 3, "max"])).toBe("columns[3].max");
    expect(formatIssuePath(["key", 0])).toBe("key[0]");
    expect(formatIssuePath([])).toBe("");
  });
});
