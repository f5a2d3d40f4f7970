import { CsvParser } from "./parser";

export const DELIMITERS = [",", ";", "\t", "|"] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** Records from the start of a file (the last, possibly cut, record is dropped unless `complete`). */
export function sampleRecords(text: string, delimiter: string, max: number, complete = false): string[][] {
  const out: string[][] = [];
  const p = new CsvParser({ delimiter, maxFieldChars: text.length + 1 }, (fields) => {
    if (out.length < max + 1) out.push(fields);
  });
  try {
    p.push(text);
    if (complete) p.end();
  } catch {
    // A sample may cut a quoted field; what parsed so far is what we judge by.
  }
  return out.slice(0, max);
}

/**
 * Which delimiter a file uses: the candidate that splits the header into the most columns and the
 * following rows into the same number, most consistently. A file with none is one column.
 */
export function sniffDelimiter(sample: string): Delimiter {
  let best: { d: Delimiter; score: number } = { d: ",", score: 0 };
  for (const d of DELIMITERS) {
    const records = sampleRecords(sample, d, 50);
    const header = records[0];
    if (!header || header.length < 2) continue;
    const rows = records.slice(1);
    const consistent = rows.length ? rows.filter((r) => r.length === header.length).length / rows.length : 1;
    const score = consistent * 1000 + Math.min(header.length, 999);
    if (score > best.score) best = { d, score };
  }
  return best.d;
}
