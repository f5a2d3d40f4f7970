import { describe, expect, it } from "vitest";
import { detectEncoding, isUtf8, looksBinary, makeDecoder } from "./encoding";

const bytes = (...b: number[]) => Uint8Array.from(b);

describe("detectEncoding", () => {
  it("takes UTF-8 without a BOM when the bytes are valid UTF-8", () => {
    expect(detectEncoding(Buffer.from("name\nCafé\n"))).toEqual({ encoding: "utf-8", bom: 0 });
    expect(detectEncoding(Buffer.from("plain ascii\n"))).toEqual({ encoding: "utf-8", bom: 0 });
  });

  it("takes UTF-8 with a BOM and says how many bytes to skip", () => {
    const file = Buffer.concat([bytes(0xef, 0xbb, 0xbf), Buffer.from("a,b\n")]);
    expect(detectEncoding(file)).toEqual({ encoding: "utf-8", bom: 3 });
  });

  it("takes UTF-16 LE and BE by their BOM", () => {
    expect(detectEncoding(bytes(0xff, 0xfe, 0x61, 0x00))).toEqual({ encoding: "utf-16le", bom: 2 });
    expect(detectEncoding(bytes(0xfe, 0xff, 0x00, 0x61))).toEqual({ encoding: "utf-16be", bom: 2 });
  });

  it("takes Windows-1252 when the bytes are not UTF-8 (0xE9 for é), and decodes é", () => {
    const file = Buffer.concat([
      Buffer.from("name\nCaf"),
      bytes(0xe9),
      Buffer.from(" cr"),
      bytes(0xe8, 0x6d, 0x65),
    ]);
    const info = detectEncoding(file);
    expect(info).toEqual({ encoding: "windows-1252", bom: 0 });
    expect(makeDecoder(info.encoding).decode(file)).toBe("name\nCafé crème");
  });

  it("decodes Windows-1252's own characters in 0x80-0x9F (€, curly quotes) when streaming, as the pipeline does", () => {
    // Node 20's one-shot decode() of windows-1252 takes a latin-1 shortcut and yields C1 controls
    // here; the streaming decode the pipeline uses is right.
    expect(makeDecoder("windows-1252").decode(bytes(0x80, 0x93, 0x94), { stream: true })).toBe(
      "€\u201c\u201d",
    );
  });

  it("decodes UTF-16 BE and LE text", () => {
    expect(makeDecoder("utf-16le").decode(bytes(0x61, 0x00, 0xe9, 0x00))).toBe("aé");
    expect(makeDecoder("utf-16be").decode(bytes(0x00, 0x61, 0x00, 0xe9))).toBe("aé");
  });
});

describe("isUtf8", () => {
  it("accepts a sample cut in the middle of a multi-byte character", () => {
    const euro = Buffer.from("price €");
    expect(isUtf8(euro.subarray(0, euro.length - 1))).toBe(true);
    expect(isUtf8(euro.subarray(0, euro.length - 2))).toBe(true);
  });

  it("refuses a lone continuation byte or a Latin-1 byte", () => {
    expect(isUtf8(bytes(0x61, 0x80, 0x61))).toBe(false);
    expect(isUtf8(bytes(0x61, 0xe9, 0x61))).toBe(false);
  });
});

describe("looksBinary", () => {
  it("sees NUL bytes in an 8-bit file as binary (a PNG, a zip)", () => {
    const png = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d);
    expect(looksBinary(png, detectEncoding(png).encoding)).toBe(true);
    expect(looksBinary(Buffer.from("a,b\n1,2\n"), "utf-8")).toBe(false);
  });
});
