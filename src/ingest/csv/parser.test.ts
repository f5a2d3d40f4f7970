import { describe, expect, it } from "vitest";
import { seededRandom as random } from "../../../test/random";
import { CsvParser, CsvSyntaxError, parseCsv } from "./parser";

type Parsed = { fields: string[]; line: number }[];

/** Parses `pieces` pushed one after another, as a file read in chunks is. */
function parsePieces(pieces: string[], delimiter = ","): Parsed {
  const out: Parsed = [];
  const parser = new CsvParser({ delimiter }, (fields, line) => out.push({ fields, line }));
  for (const p of pieces) parser.push(p);
  parser.end();
  return out;
}

const fields = (text: string, delimiter = ",") => parseCsv(text, delimiter).map((r) => r.fields);

describe("CsvParser: RFC 4180", () => {
  it("reads quoted and unquoted fields alike", () => {
    expect(fields('a,"b",c\n"1",2,"3"\n')).toEqual([
      ["a", "b", "c"],
      ["1", "2", "3"],
    ]);
  });

  it("turns a doubled quote inside a quoted field into one quote", () => {
    expect(fields('"he said ""hi""",""""\n')).toEqual([['he said "hi"', '"']]);
  });

  it("keeps delimiters, CRLF, LF and CR inside quoted fields as text", () => {
    expect(fields('"a,b","line 1\nline 2","x\r\ny","p\rq"\n')).toEqual([
      ["a,b", "line 1\nline 2", "x\r\ny", "p\rq"],
    ]);
  });

  it("reads empty fields, a trailing delimiter and an empty quoted field", () => {
    expect(fields('a,,c,\n,"",\n')).toEqual([
      ["a", "", "c", ""],
      ["", "", ""],
    ]);
  });

  it("ends records at CRLF, LF or a lone CR, with the same records and line numbers", () => {
    const expected = [
      { fields: ["a", "b"], line: 1 },
      { fields: ["c", "d"], line: 2 },
      { fields: ["e", "f"], line: 3 },
    ];
    expect(parseCsv("a,b\r\nc,d\r\ne,f\r\n")).toEqual(expected);
    expect(parseCsv("a,b\nc,d\ne,f\n")).toEqual(expected);
    expect(parseCsv("a,b\rc,d\re,f\r")).toEqual(expected);
    expect(parseCsv("a,b\r\nc,d\ne,f")).toEqual(expected);
  });

  it("skips blank lines but counts them in line numbers", () => {
    expect(parseCsv("a,b\n\n1,2\r\n\r\n\n3,4\n\n")).toEqual([
      { fields: ["a", "b"], line: 1 },
      { fields: ["1", "2"], line: 3 },
      { fields: ["3", "4"], line: 6 },
    ]);
  });

  it("numbers records after a multi-line field by the physical line they start on", () => {
    const text = 'id,text\n1,"one\ntwo\nthree"\n2,plain\n3,"x\r\ny"\n4,last\n';
    expect(parseCsv(text).map((r) => [r.fields[0], r.line])).toEqual([
      ["id", 1],
      ["1", 2],
      ["2", 5],
      ["3", 6],
      ["4", 8],
    ]);
  });

  it("keeps a quote inside an unquoted field, and text after a closing quote, as text", () => {
    expect(fields('5" screen,Joe\'s "best"\n"ab"cd,e\n')).toEqual([
      ['5" screen', 'Joe\'s "best"'],
      ["abcd", "e"],
    ]);
  });

  it("splits on the delimiter it is given: ; tab |", () => {
    expect(fields('a;"b;c";d\n', ";")).toEqual([["a", "b;c", "d"]]);
    expect(fields('a\t"b\tc"\td\n', "\t")).toEqual([["a", "b\tc", "d"]]);
    expect(fields("a|b,c|d\n", "|")).toEqual([["a", "b,c", "d"]]);
  });

  it("reads a 2 MB cell, quoted or not, whatever pieces it arrives in", () => {
    const big = "x,y\n".repeat(512 * 1024).slice(0, 2 * 1024 * 1024 - 1);
    const linesInBig = big.split("\n").length - 1;
    const text = `id,body\n1,"${big}"\n2,${"z".repeat(2 * 1024 * 1024)}\n3,end\n`;
    const pieces: string[] = [];
    for (let i = 0; i < text.length; i += 65_536) pieces.push(text.slice(i, i + 65_536));

    const records = parsePieces(pieces);

    expect(records.map((r) => [r.fields[0], r.fields[1]!.length, r.line])).toEqual([
      ["id", 4, 1],
      ["1", big.length, 2],
      ["2", 2 * 1024 * 1024, 3 + linesInBig],
      ["3", 3, 4 + linesInBig],
    ]);
    expect(records[1]!.fields[1]).toBe(big);
  });
});

describe("CsvParser: errors", () => {
  it("reports an unterminated quote with the line and column where the quote opened", () => {
    const text = 'id,name\n1,"fine"\n2,"never closed\n3,more\n';
    let error: unknown;
    try {
      parseCsv(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect(error).toMatchObject({ line: 3, column: 3 });
    expect((error as Error).message).toBe(
      "line 3, column 3: a quoted field is never closed (unterminated quote)",
    );
  });

  it("places an unterminated quote after a multi-line field on its own physical line", () => {
    const text = 'id,a,b\n1,"x\ny",ok,"bad\nrest\n';
    expect(() => parseCsv(text)).toThrow(expect.objectContaining({ line: 3, column: 7 }));
  });

  it("reports the unterminated quote only at the end, since more text could close it", () => {
    const parser = new CsvParser({ delimiter: "," }, () => undefined);
    parser.push('a,"open');
    parser.push("\nstill open");
    expect(() => parser.end()).toThrow(CsvSyntaxError);
  });

  it("refuses a field longer than its limit instead of buffering without end", () => {
    const parser = new CsvParser({ delimiter: ",", maxFieldChars: 1000 }, () => undefined);
    expect(() => parser.push(`1,"${"a".repeat(2000)}`)).toThrow(/unterminated quote/);
  });
});

describe("CsvParser: streaming", () => {
  const tricky = [
    'id,name,note\r\n1,"Café ""Le Coin"", Paris","multi\r\nline"\r\n',
    '2,plain,"ends with quote """\n\n',
    '3,"a\rb",x\r4,"",\r\n',
    '5,"",""""\n',
    '6,Joe\'s 5" TV,"emoji 🎉, ü"\n',
    "\r\n7,last,no newline at end",
  ].join("");

  it("gives the same records for every way of cutting the input in two", () => {
    const whole = parseCsv(tricky);
    expect(whole.map((r) => r.fields[0])).toEqual(["id", "1", "2", "3", "4", "5", "6", "7"]);
    for (let i = 0; i <= tricky.length; i++) {
      expect(parsePieces([tricky.slice(0, i), tricky.slice(i)]), `cut at ${i}`).toEqual(whole);
    }
  });

  it("gives the same records for random cuts into many pieces, and one character at a time", () => {
    const whole = parseCsv(tricky);
    const next = random(42);
    for (let round = 0; round < 300; round++) {
      const pieces: string[] = [];
      let at = 0;
      while (at < tricky.length) {
        const len = Math.floor(next() * 12);
        pieces.push(tricky.slice(at, at + len));
        at += len;
      }
      expect(parsePieces(pieces), `round ${round}: ${JSON.stringify(pieces)}`).toEqual(whole);
    }
    expect(parsePieces([...tricky])).toEqual(whole);
  });
});
