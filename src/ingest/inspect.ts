import { AppError } from "@/server/errors";
import { detectEncoding, type Encoding, isAsciiCompatible, looksBinary, makeDecoder } from "./csv/encoding";
import { type Delimiter, sampleRecords, sniffDelimiter } from "./csv/sniff";
import { readHead } from "./store";

/** What the pipeline needs to know about a file before loading it, found in its first bytes. */
export interface FileInfo {
  encoding: Encoding;
  bom: number;
  delimiter: Delimiter;
  headers: string[];
}

/** How much of a file is read to judge its encoding, delimiter and header. */
export const HEAD_BYTES = 256 * 1024;

/**
 * Reads the head of a stored file: encoding, delimiter, header. Refuses, with a reason, what is not
 * a CSV at all: an empty file, binary content, a file with no header row.
 */
export async function inspectStoredFile(key: string, fileName: string): Promise<FileInfo> {
  const head = await readHead(key, HEAD_BYTES);
  return inspectHead(head, fileName);
}

export function inspectHead(head: Uint8Array, fileName: string): FileInfo {
  if (head.length === 0) throw new AppError("BAD_REQUEST", `${fileName} is empty`);
  const { encoding, bom } = detectEncoding(head);
  if (looksBinary(head, encoding)) {
    throw new AppError(
      "BAD_REQUEST",
      `${fileName} is not a CSV file: it contains binary data (is it a spreadsheet, archive or image saved as .csv?)`,
    );
  }
  const text = makeDecoder(encoding).decode(head.subarray(bom), { stream: true });
  if (!isAsciiCompatible(encoding) && text.includes("\u0000")) {
    throw new AppError("BAD_REQUEST", `${fileName} is not a CSV file: it contains binary data`);
  }
  // The whole file fits in the head: let the last record count even without a final newline.
  const whole = head.length < HEAD_BYTES;
  if (!text.trim()) throw new AppError("BAD_REQUEST", `${fileName} has no header row (it is blank)`);
  const delimiter = sniffDelimiter(text);
  const [header] = sampleRecords(text, delimiter, 1, whole);
  if (!header || header.every((h) => h.trim() === "")) {
    throw new AppError(
      "BAD_REQUEST",
      `${fileName} has no header row within its first ${HEAD_BYTES / 1024} KB`,
    );
  }
  const headers = header.map((h) => h.trim());
  const seen = new Map<string, number>();
  headers.forEach((h, i) => {
    if (h === "") return;
    const before = seen.get(h);
    if (before !== undefined) {
      throw new AppError(
        "BAD_REQUEST",
        `${fileName}: line 1, columns ${before + 1} and ${i + 1} have the same header "${h}"; rename one so each column is identified`,
      );
    }
    seen.set(h, i);
  });
  return { encoding, bom, delimiter, headers };
}
