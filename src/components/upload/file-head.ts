import {
  detectEncoding,
  type Encoding,
  isAsciiCompatible,
  looksBinary,
  makeDecoder,
} from "@/ingest/csv/encoding";
import { CsvParser } from "@/ingest/csv/parser";
import { type Delimiter, sniffDelimiter } from "@/ingest/csv/sniff";

/**
 * What the browser reads from the start of a chosen file, before and while it uploads: encoding,
 * delimiter, header and the first rows for the preview. Only the first HEAD_BYTES are read (with
 * File.slice), whatever the file's size; the same parser and sniffer as the worker's, so the
 * header found here is the one the server finds.
 */
export const HEAD_BYTES = 256 * 1024;
export const PREVIEW_ROWS = 20;

export interface FileHead {
  encoding: Encoding;
  delimiter: Delimiter;
  headers: string[];
  rows: { fields: string[]; line: number }[];
  /** The whole file fit in the head (so the preview shows every row). */
  whole: boolean;
}

export type FileHeadResult = { ok: true; head: FileHead } | { ok: false; message: string };

export async function readFileHead(file: File): Promise<FileHeadResult> {
  const bytes = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  return inspectBytes(bytes, file.name, file.size <= HEAD_BYTES);
}

/** The server refuses the same files (src/ingest/inspect.ts), in the same words. */
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
  return { ok: true, head: { encoding, delimiter, headers, rows: records.slice(1), whole } };
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

export const ENCODING_LABEL: Record<Encoding, string> = {
  "utf-8": "UTF-8",
  "utf-16le": "UTF-16 LE",
  "utf-16be": "UTF-16 BE",
  "windows-1252": "Windows-1252",
};

export const DELIMITER_LABEL: Record<Delimiter, string> = {
  ",": "comma-separated",
  ";": "semicolon-separated",
  "\t": "tab-separated",
  "|": "pipe-separated",
};
