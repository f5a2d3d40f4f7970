import { describe, expect, it } from "vitest";
import { sampleRecords, sniffDelimiter } from "./sniff";

describe("sniffDelimiter", () => {
  it("finds , ; tab and | from the header and the rows that follow", () => {
    expect(sniffDelimiter("id,name,price\n1,a,2.5\n2,b,3\n")).toBe(",");
    expect(sniffDelimiter("id;name;price\n1;a;2,5\n2;b;3,0\n")).toBe(";");
    expect(sniffDelimiter("id\tname\tprice\n1\ta\t2.5\n")).toBe("\t");
    expect(sniffDelimiter("id|name|price\n1|a|2.5\n")).toBe("|");
  });

  it("prefers the delimiter that splits every row alike over one that only splits some", () => {
    // Semicolons separate; the commas are decimal commas inside the values.
    const text = "name;price;rating\nA;1,5;4,2\nB;2;3\nC;10,25;1\n";
    expect(sniffDelimiter(text)).toBe(";");
  });

  it("ignores delimiters inside quoted fields", () => {
    expect(sniffDelimiter('a;b\n"x,y,z";1\n"p,q,r";2\n')).toBe(";");
  });

  it("judges by a sample cut in the middle of a record", () => {
    expect(sniffDelimiter('a|b|c\n1|2|3\n4|"five,\nsix')).toBe("|");
  });

  it("falls back to a comma for a file of one column", () => {
    expect(sniffDelimiter("domain\nexample.com\nexample.org\n")).toBe(",");
  });
});

describe("sampleRecords", () => {
  it("drops a last record that may be cut, unless the sample is the whole file", () => {
    expect(sampleRecords("a,b\n1,2\n3,4", ",", 10)).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(sampleRecords("a,b\n1,2\n3,4", ",", 10, true)).toEqual([
      ["a", "b"],
      ["1", "2"],
      ["3", "4"],
    ]);
  });
});
