import { createReadStream } from "node:fs";

/**
 * One quick pass over a file's bytes that finds record boundaries without decoding or parsing: where
 * each chunk of about `targetBytes` starts, which data row and physical line it starts on, and how
 * many rows there are. Works for ASCII-compatible encodings (UTF-8, Windows-1252), where the bytes
 * for `"`, LF and CR never occur inside a multi-byte character. Uses the parser's rules: quotes
 * toggle, blank lines are not rows, the first non-blank record is the header.
 */
export interface ChunkPlan {
  index: number;
  /** Byte range [start, end) of the file. */
  start: number;
  end: number;
  /** Data row number (1 = first row after the header) of the chunk's first record. */
  firstRow: number;
  /** Physical line number of the chunk's first character. */
  firstLine: number;
  /** Whether the chunk begins with the header record. */
  hasHeader: boolean;
}

export interface ScanResult {
  chunks: ChunkPlan[];
  /** Data rows (records after the header). */
  rows: number;
  bytes: number;
  /** A quote still open at the end of the file: the parser will say where. */
  unterminatedQuote: boolean;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export async function scanChunks(
  path: string,
  opts: { offset: number; targetBytes: number; onProgress?: (bytes: number) => void },
): Promise<ScanResult> {
  let inQuote = false;
  let line = 1;
  /** Records with content seen so far, header included. */
  let records = 0;
  let recordStart = opts.offset; // where the current record began
  let recordHasContent = false;
  let chunkStart = opts.offset;
  let pos = opts.offset;
  const chunks: ChunkPlan[] = [];
  let current: Omit<ChunkPlan, "end"> = {
    index: 0,
    start: opts.offset,
    firstRow: 1,
    firstLine: 1,
    hasHeader: true,
  };

  const stream = createReadStream(path, { start: opts.offset, highWaterMark: 1 << 20 });
  for await (const buf of stream as AsyncIterable<Buffer>) {
    const base = pos;
    const n = buf.length;
    let i = 0;
    while (i < n) {
      if (inQuote) {
        const q = buf.indexOf(QUOTE, i);
        if (q === -1) {
          line += countLf(buf, i, n);
          i = n;
          break;
        }
        line += countLf(buf, i, q);
        inQuote = false; // a doubled quote reopens at once on the next byte
        i = q + 1;
        continue;
      }
      const q = buf.indexOf(QUOTE, i);
      const nl = buf.indexOf(LF, i);
      if (nl !== -1 && (q === -1 || nl < q)) {
        if (!recordHasContent) recordHasContent = hasContent(buf, i, nl);
        if (recordHasContent) records++;
        line++;
        recordStart = base + nl + 1;
        recordHasContent = false;
        i = nl + 1;
        if (recordStart - chunkStart >= opts.targetBytes) {
          chunks.push({ ...current, end: recordStart });
          chunkStart = recordStart;
          current = {
            index: chunks.length,
            start: recordStart,
            firstRow: Math.max(1, records),
            firstLine: line,
            hasHeader: records === 0,
          };
        }
        continue;
      }
      if (q === -1) {
        if (!recordHasContent) recordHasContent = hasContent(buf, i, n);
        i = n;
        break;
      }
      recordHasContent = true;
      inQuote = true;
      i = q + 1;
    }
    pos += n;
    opts.onProgress?.(pos);
  }
  // A last record without a final newline.
  if (pos > recordStart && recordHasContent) records++;
  if (pos > chunkStart || chunks.length === 0) chunks.push({ ...current, end: pos });
  return { chunks, rows: Math.max(0, records - 1), bytes: pos, unterminatedQuote: inQuote };
}

/** Anything but CR in buf[from, to): the line is not blank. */
function hasContent(buf: Buffer, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (buf[k] !== CR) return true;
  return false;
}

function countLf(buf: Buffer, from: number, to: number): number {
  let count = 0;
  let i = buf.indexOf(LF, from);
  while (i !== -1 && i < to) {
    count++;
    i = buf.indexOf(LF, i + 1);
  }
  return count;
}
