import { detectEncoding, type Encoding, isAsciiCompatible, looksBinary, makeDecoder } from "./csv/encoding";
import { CsvParser } from "./csv/parser";
import { type Delimiter, sniffDelimiter } from "./csv/sniff";

/**
 * What the start of a file says, judged the same way in the browser (before and while it uploads)
 * and on the server (before a job is made): encoding, delimiter, header and the first rows. Only
 * the first HEAD_BYTES matter, whatever the file's size. Files that are not CSV at all (empty,
 * binary, no header, the same header twice) are refused here, in the same words on both sides.
 */
export const HEAD_BYTES = 256 * 1024;
export const PREVIEW_ROWS = 20;

export interface FileHead {
  encoding: Encoding;
  /** Bytes of byte-order mark to skip. */
  bom: number;
  delimiter: Delimiter;
  headers: string[];
  rows: { fields: string[]; line: number }[];
  /** The whole file fit in the head (so the preview shows every row). */
  whole: boolean;
}

export type FileHeadResult = { ok: true; head: FileHead } | { ok: false; message: string };

export function inspectBytes(bytes: Uint8Array, fileName: string, whole: boolean): FileHeadResult {
  if (bytes.length === 0) return { ok: false, message: `${fileName} is empty` };
  const { encoding, bom } = detectEncoding(bytes);
  if (looksBinary(bytes, encoding)) {
    return {
      ok: false,
      message: `${fileName} is not a CSV file: it contains binary data (is it a spreadsheet, archive or image saved as .csv?)`,
    };
  }
  const text = makeDecoder(encoding).decode(bytes.subarray(bom), { stream: !whole });
  if (!isAsciiCompatible(encoding) && text.includes("\u0000")) {
    return { ok: false, message: `${fileName} is not a CSV file: it contains binary data` };
  }
  if (!text.trim()) return { ok: false, message: `${fileName} has no header row (it is blank)` };
  const delimiter = sniffDelimiter(text);
  const records = firstRecords(text, delimiter, PREVIEW_ROWS + 1, whole);
  const header = records[0];
  if (!header || header.fields.every((h) => h.trim() === "")) {
    return { ok: false, message: `${fileName} has no header row within its first ${HEAD_BYTES / 1024} KB` };
  }
  const headers = header.fields.map((h) => h.trim());
  const seen = new Map<string, number>();
  for (const [i, h] of headers.entries()) {
    if (h === "") continue;
    const before = seen.get(h);
    if (before !== undefined) {
      return {
        ok: false,
        message: `${fileName}: line 1, columns ${before + 1} and ${i + 1} have the same header "${h}"; rename one so each column is identified`,
      };
    }
    seen.set(h, i);
  }
  return { ok: true, head: { encoding, bom, delimiter, headers, rows: records.slice(1), whole } };
}

/** Up to `max` records with the line each starts on; a record the sample cuts off is left out. */
function firstRecords(text: string, delimiter: string, max: number, complete: boolean) {
  const out: { fields: string[]; line: number }[] = [];
  const parser = new CsvParser({ delimiter, maxFieldChars: text.length + 1 }, (fields, line) => {
    if (out.length < max) out.push({ fields, line });
  });
  try {
    parser.push(text);
    if (complete) parser.end();
  } catch {
    // An unterminated quote in the sample: the rows before it still preview; the worker reports it.
  }
  return out;
}
