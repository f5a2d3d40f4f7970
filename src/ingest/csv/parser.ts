/**
 * A streaming RFC 4180 parser: quoted fields, doubled quotes, delimiters and newlines inside quotes,
 * CRLF / LF / CR line ends. Written for this job rather than taken from a library because the
 * pipeline needs what general parsers don't give together: the physical line each record starts
 * on, errors that say line and column, bounded memory on a runaway quote, and a start at any record
 * boundary so one file can be loaded in byte ranges by several workers.
 *
 * Blank lines are skipped (they are not rows). A quote inside an unquoted field is kept as text; text
 * right after a closing quote is kept too (lenient, so nothing is lost), but a quote that is never
 * closed is an error for the whole file.
 */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
    this.name = "CsvSyntaxError";
  }
}

export interface ParserOptions {
  delimiter: string;
  /** The physical line number of the first character pushed (1 for a whole file). */
  firstLine?: number;
  /** The longest field accepted; past it an open quote is reported as unterminated. */
  maxFieldChars?: number;
  maxFields?: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

export type RecordHandler = (fields: string[], line: number) => void;

export class CsvParser {
  private buf = "";
  private line: number;
  private readonly delim: number;
  private readonly maxFieldChars: number;
  private readonly maxFields: number;

  constructor(
    opts: ParserOptions,
    private readonly onRecord: RecordHandler,
  ) {
    if (opts.delimiter.length !== 1) throw new Error("delimiter must be one character");
    this.delim = opts.delimiter.charCodeAt(0);
    this.line = opts.firstLine ?? 1;
    this.maxFieldChars = opts.maxFieldChars ?? 32 * 1024 * 1024;
    this.maxFields = opts.maxFields ?? 10_000;
  }

  push(text: string): void {
    this.buf = this.buf.length ? this.buf + text : text;
    const consumed = this.parse(false);
    this.buf = consumed === this.buf.length ? "" : this.buf.slice(consumed);
  }

  end(): void {
    this.parse(true);
    this.buf = "";
  }

  /**
   * Parses complete records from buf; returns how many characters were consumed. Most lines have
   * no quote and no stray CR: those are split natively (fast path); the rest go through the
   * character-level state machine.
   */
  private parse(final: boolean): number {
    const s = this.buf;
    const n = s.length;
    const delimiter = String.fromCharCode(this.delim);
    let pos = 0;
    let nextQuote = -2;
    let nextCr = -2;
    while (pos < n) {
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = s.indexOf('"', pos);
      if (nextCr !== -1 && nextCr < pos) nextCr = s.indexOf("\r", pos);
      let nl = s.indexOf("\n", pos);
      if (nl === -1) {
        if (!final) return this.parseSlow(pos, final);
        nl = n;
      }
      const quoted = nextQuote !== -1 && nextQuote < nl;
      const strayCr = nextCr !== -1 && nextCr < nl - 1;
      if (quoted || strayCr) {
        pos = this.parseSlow(pos, final, true);
        if (pos === -1) return this.consumedBeforeSlow;
        continue;
      }
      const end = nextCr === nl - 1 && nl > pos ? nl - 1 : nl;
      const startLine = this.line;
      this.line++;
      const next = nl + 1;
      if (end > pos) {
        const fields = s.slice(pos, end).split(delimiter);
        if (fields.length > this.maxFields) {
          throw new CsvSyntaxError(`more than ${this.maxFields} columns in one row`, startLine, 1);
        }
        this.onRecord(fields, startLine);
      }
      pos = next;
    }
    return n;
  }

  private consumedBeforeSlow = 0;

  private incomplete(start: number, one: boolean): number {
    this.consumedBeforeSlow = start;
    return one ? -1 : start;
  }

  /**
   * The state machine for one record (`one`) or for all that remain. Returns the position after
   * what it parsed; with `one`, -1 when the record is incomplete (consumedBeforeSlow then says
   * where it began).
   */
  private parseSlow(from: number, final: boolean, one = false): number {
    const s = this.buf;
    const n = s.length;
    const d = this.delim;
    let pos = from;
    while (pos < n) {
      const start = pos;
      const startLine = this.line;
      let linesInside = 0;
      const fields: string[] = [];
      let i = pos;
      let complete = false;
      for (;;) {
        // One field starting at i.
        if (i < n && s.charCodeAt(i) === QUOTE) {
          let value = "";
          let j = i + 1;
          for (;;) {
            const q = s.indexOf('"', j);
            if (q === -1) {
              if (n - i > this.maxFieldChars || final) {
                throw this.unterminated(s, start, i, startLine);
              }
              return this.incomplete(start, one); // need more text
            }
            value += s.slice(j, q);
            if (q + 1 < n && s.charCodeAt(q + 1) === QUOTE) {
              value += '"';
              j = q + 2;
              continue;
            }
            if (q + 1 >= n && !final) return this.incomplete(start, one); // a doubled quote may follow
            j = q + 1;
            break;
          }
          linesInside += countNewlines(s, i, j);
          // Lenient: text between the closing quote and the delimiter is kept.
          let k = j;
          while (k < n) {
            const c = s.charCodeAt(k);
            if (c === d || c === LF || c === CR) break;
            k++;
          }
          if (k > j) value += s.slice(j, k);
          fields.push(value);
          i = k;
        } else {
          let k = i;
          while (k < n) {
            const c = s.charCodeAt(k);
            if (c === d || c === LF || c === CR) break;
            k++;
          }
          if (k - i > this.maxFieldChars) {
            throw new CsvSyntaxError(
              `a field is longer than ${this.maxFieldChars} characters`,
              startLine + linesInside,
              1,
            );
          }
          fields.push(s.slice(i, k));
          i = k;
        }
        if (fields.length > this.maxFields) {
          throw new CsvSyntaxError(`more than ${this.maxFields} columns in one row`, startLine, 1);
        }
        if (i >= n) {
          if (!final) return this.incomplete(start, one);
          complete = true;
          pos = n;
          break;
        }
        const c = s.charCodeAt(i);
        if (c === d) {
          i++;
          if (i >= n && final) {
            fields.push("");
            complete = true;
            pos = n;
            break;
          }
          continue;
        }
        // End of record: CRLF, LF or a lone CR.
        if (c === CR) {
          if (i + 1 >= n && !final) return this.incomplete(start, one);
          i += i + 1 < n && s.charCodeAt(i + 1) === LF ? 2 : 1;
        } else {
          i++;
        }
        complete = true;
        pos = i;
        break;
      }
      if (!complete) return this.incomplete(start, one);
      this.line = startLine + linesInside + 1;
      const blank = fields.length === 1 && fields[0] === "" && s.charCodeAt(start) !== QUOTE;
      if (!blank) this.onRecord(fields, startLine);
      if (one) return pos;
    }
    return pos;
  }

  private unterminated(s: string, recordStart: number, quoteAt: number, startLine: number): CsvSyntaxError {
    const before = s.slice(recordStart, quoteAt);
    const nl = Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r"));
    const line = startLine + countNewlines(s, recordStart, quoteAt);
    const column = quoteAt - (nl === -1 ? recordStart : recordStart + nl + 1) + 1;
    return new CsvSyntaxError("a quoted field is never closed (unterminated quote)", line, column);
  }
}

/** Line breaks (LF, CRLF or lone CR) in s[from, to). */
function countNewlines(s: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === LF) count++;
    else if (c === CR && s.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}

/** Parses a whole string (tests, previews). */
export function parseCsv(text: string, delimiter = ","): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  const p = new CsvParser({ delimiter }, (fields, line) => out.push({ fields, line }));
  p.push(text);
  p.end();
  return out;
}
