import { describe, expect, it } from "vitest";
import { type DatasetDefinition, datasetDefinitionSchema } from "@/datasets/definition";
import listingsJson from "@/datasets/samples/listings.json";
import { checkMapping, headerDrift, headerKey, suggestMapping } from "./mapping";

const listings: DatasetDefinition = datasetDefinitionSchema.parse(listingsJson);

describe("suggestMapping", () => {
  it("matches headers by exact name first", () => {
    const s = suggestMapping(["external_id", "domain", "email"], listings);
    expect(s.mapping).toEqual(["external_id", "domain", "email"]);
    expect(s.kinds).toEqual(["exact", "exact", "exact"]);
  });

  it("matches case, space and punctuation variants as normalized", () => {
    const s = suggestMapping(["External_ID", "E-Mail", " Created At "], listings);
    expect(s.mapping).toEqual(["external_id", "email", "created_at"]);
    expect(s.kinds).toEqual(["normalized", "normalized", "normalized"]);
  });

  it("matches a column's aliases", () => {
    const s = suggestMapping(["Website", "domain name"], listings);
    // One column takes one header: the second alias finds domain already taken.
    expect(s.mapping).toEqual(["domain", null]);
    expect(s.kinds).toEqual(["alias", "none"]);
    expect(suggestMapping(["id"], listings).mapping).toEqual(["external_id"]);
  });

  it("matches close misspellings as fuzzy, and leaves unrelated headers unmapped", () => {
    const s = suggestMapping(["ratng", "contry", "favourite colour"], listings);
    expect(s.mapping).toEqual(["rating", "country", null]);
    expect(s.kinds).toEqual(["fuzzy", "fuzzy", "none"]);
  });

  it("prefers an exact match over an earlier header's weaker claim", () => {
    const s = suggestMapping(["Email", "email"], listings);
    expect(s.mapping).toEqual([null, "email"]);
  });

  it("applies a remembered mapping for the same headers as it was confirmed", () => {
    const headers = ["a", "b", "c"];
    const s = suggestMapping(headers, listings, ["external_id", null, "domain"]);
    expect(s).toEqual({
      mapping: ["external_id", null, "domain"],
      kinds: ["remembered", "none", "remembered"],
    });
  });

  it("ignores a remembered mapping that no longer fits (other length, a column since removed)", () => {
    expect(suggestMapping(["id"], listings, ["external_id", "domain"]).kinds).toEqual(["alias"]);
    expect(suggestMapping(["id"], listings, ["gone"]).kinds).toEqual(["alias"]);
  });
});

describe("checkMapping", () => {
  it("lists required and key columns no header fills", () => {
    const check = checkMapping(["email"], ["email"], listings);
    expect(check.missingRequired).toEqual(["external_id", "domain"]);
    expect(check.missingOptional).toContain("rating");
  });

  it("lists columns two headers claim", () => {
    expect(checkMapping(["a", "b"], ["email", "email"], listings).duplicated).toEqual(["email"]);
  });

  it("lists headers that fill no column, to be ignored with a warning", () => {
    const check = checkMapping(["external_id", "domain", "notes"], ["external_id", "domain", null], listings);
    expect(check).toMatchObject({ missingRequired: [], duplicated: [], ignoredHeaders: ["notes"] });
  });
});

describe("headerDrift", () => {
  it("says nothing when the headers are the same", () => {
    expect(headerDrift(["a", "b"], ["a", "b"])).toBeNull();
  });

  it("reports renamed, missing and added headers", () => {
    const drift = headerDrift(
      ["external_id", "Website", "rating", "price"],
      ["external_id", "website_", "price", "notes"],
    );
    expect(drift).toEqual({
      missing: ["rating"],
      added: ["notes"],
      renamed: [{ from: "Website", to: "website_" }],
    });
  });

  it("counts a header whose case changed as renamed", () => {
    expect(headerDrift(["Email"], ["email"])).toEqual({
      missing: [],
      added: [],
      renamed: [{ from: "Email", to: "email" }],
    });
  });
});

describe("headerKey", () => {
  it("identifies a header set regardless of surrounding spaces, in order", () => {
    expect(headerKey([" a", "b "])).toBe(headerKey(["a", "b"]));
    expect(headerKey(["a", "b"])).not.toBe(headerKey(["b", "a"]));
  });
});
