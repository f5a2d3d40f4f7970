import { isUtf8 } from "node:buffer";
import { createReadStream } from "node:fs";
import { completeUtf8Length } from "./encoding";

/**
 * One quick pass over a file's bytes that finds record boundaries without decoding or parsing: where
 * each chunk of about `targetBytes` starts, which data row and physical line it starts on, and how
 * many rows there are. Works for ASCII-compatible encodings (UTF-8, Windows-1252), where the bytes
 * for `"`, LF and CR never occur inside a multi-byte character. Uses the parser's rules: a quote
 * opens a quoted field only at the start of a field (elsewhere it is text, as in `5" screen`), a
 * doubled quote inside one is text, LF, CRLF and a lone CR each end a line (and, outside quotes, a
 * record), blank lines are not rows, the first non-blank record is the header.
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
  /** With `checkUtf8`: whether every byte read is valid UTF-8 (else true). */
  validUtf8: boolean;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export async function scanChunks(
  path: string,
  opts: {
    offset: number;
    targetBytes: number;
    delimiter: string;
    /** Also check the bytes are UTF-8: the head's verdict may not hold for the rest of a file. */
    checkUtf8?: boolean;
    onProgress?: (bytes: number) => void;
    /** Bytes read at a time (1 MB). */
    readBytes?: number;
  },
): Promise<ScanResult> {
  let validUtf8 = true;
  /** A UTF-8 sequence cut by the end of the previous buffer. */
  let utf8Carry: Buffer | null = null;
  const delimiter = opts.delimiter.charCodeAt(0);
  let inQuote = false;
  /** Where a quote reopens the field just closed (a doubled quote: `"a""b"`). */
  let reopenAt = -1;
  /** The byte before the current buffer (a record starts the scan). */
  let prevByte = LF;
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

  /** The last buffer ended with a CR: a line end either way, a record end too unless an LF follows. */
  let crPending = false;

  /** A record ended just before `next` (blank ones, with nothing but CRs, are not records). */
  const endRecord = (next: number) => {
    if (recordHasContent) records++;
    recordStart = next;
    recordHasContent = false;
  };
  /** A CR not followed by LF ends a line, as the parser counts it, and outside quotes a record. */
  const loneCr = (next: number) => {
    line++;
    if (!inQuote) endRecord(next);
  };
  /** Chunks are cut only after an LF outside quotes. */
  const cutChunk = () => {
    chunks.push({ ...current, end: recordStart });
    chunkStart = recordStart;
    current = {
      index: chunks.length,
      start: recordStart,
      firstRow: Math.max(1, records),
      firstLine: line,
      hasHeader: records === 0,
    };
  };

  const stream = createReadStream(path, { start: opts.offset, highWaterMark: opts.readBytes ?? 1 << 20 });
  for await (const buf of stream as AsyncIterable<Buffer>) {
    if (opts.checkUtf8 && validUtf8) {
      const bytes: Buffer = utf8Carry ? Buffer.concat([utf8Carry, buf]) : buf;
      const complete = completeUtf8Length(bytes);
      validUtf8 = isUtf8(bytes.subarray(0, complete));
      utf8Carry = complete < bytes.length ? Buffer.from(bytes.subarray(complete)) : null;
    }
    const base = pos;
    const n = buf.length;
    if (crPending) {
      crPending = false;
      if (buf[0] !== LF) loneCr(base);
    }
    // Next quote, LF and CR from i, each found once and reused until passed (-1: none left).
    let nextQuote = buf.indexOf(QUOTE);
    let nextLf = buf.indexOf(LF);
    let nextCr = buf.indexOf(CR);
    let i = 0;
    while (i < n) {
      if (nextQuote !== -1 && nextQuote < i) nextQuote = buf.indexOf(QUOTE, i);
      if (nextLf !== -1 && nextLf < i) nextLf = buf.indexOf(LF, i);
      if (nextCr !== -1 && nextCr < i) nextCr = buf.indexOf(CR, i);
      let at = n;
      if (nextQuote !== -1) at = nextQuote;
      if (nextLf !== -1 && nextLf < at) at = nextLf;
      if (nextCr !== -1 && nextCr < at) at = nextCr;
      // Whatever lies between is plain text.
      if (at > i && !inQuote) recordHasContent = true;
      if (at === n) break;
      const b = buf[at];
      if (b === QUOTE) {
        if (inQuote) {
          inQuote = false;
          reopenAt = base + at + 1;
        } else {
          recordHasContent = true;
          const before = at > 0 ? buf[at - 1] : prevByte;
          // Like the parser: only a quote that starts a field (or doubles the one just closed) quotes.
          if (base + at === reopenAt || before === delimiter || before === LF || before === CR)
            inQuote = true;
        }
      } else if (b === LF) {
        line++;
        if (!inQuote) {
          endRecord(base + at + 1);
          if (recordStart - chunkStart >= opts.targetBytes) cutChunk();
        }
      } else if (at + 1 === n) {
        crPending = true; // CRLF or a lone CR: the next buffer's first byte says
      } else if (buf[at + 1] !== LF) {
        loneCr(base + at + 1);
      }
      i = at + 1;
    }
    prevByte = buf[n - 1] ?? prevByte;
    pos += n;
    opts.onProgress?.(pos);
  }
  if (crPending) loneCr(pos);
  // A last record without a final newline.
  if (pos > recordStart && recordHasContent) records++;
  if (pos > chunkStart || chunks.length === 0) chunks.push({ ...current, end: pos });
  // A file that ends in the middle of a character is not UTF-8 either.
  if (utf8Carry) validUtf8 = false;
  return { chunks, rows: Math.max(0, records - 1), bytes: pos, unterminatedQuote: inQuote, validUtf8 };
}
