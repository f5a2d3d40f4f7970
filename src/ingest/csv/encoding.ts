/**
 * Which encoding a file is in, from its first bytes: a BOM decides (UTF-8, UTF-16 LE/BE); otherwise
 * UTF-8 if the sample is valid UTF-8, else Windows-1252 (the usual "ANSI" export, a superset of
 * latin-1 for printable text). Files are decoded, never rejected for their encoding.
 */
export type Encoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

export interface EncodingInfo {
  encoding: Encoding;
  /** Bytes of byte-order mark to skip. */
  bom: number;
}

export function detectEncoding(sample: Uint8Array): EncodingInfo {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: "utf-8", bom: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: "utf-16le", bom: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: "utf-16be", bom: 2 };
  return { encoding: isUtf8(sample) ? "utf-8" : "windows-1252", bom: 0 };
}

/** Valid UTF-8, allowing the sample to end in the middle of a character. */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, completeUtf8Length(bytes)));
    return true;
  } catch {
    return false;
  }
}

/** The length of bytes without a trailing partial UTF-8 sequence (at most 3 bytes), so a cut sample is not judged invalid. */
export function completeUtf8Length(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = bytes[end - back]!;
    if ((b & 0xc0) === 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return back < need ? end - back : end;
    }
    if ((b & 0xc0) !== 0x80) break;
  }
  return end;
}

/** A streaming decoder; ASCII-compatible encodings keep byte offsets meaningful for chunking. */
export function makeDecoder(encoding: Encoding): TextDecoder {
  return new TextDecoder(encoding === "utf-16be" ? "utf-16be" : encoding, { fatal: false });
}

export function isAsciiCompatible(encoding: Encoding): boolean {
  return encoding === "utf-8" || encoding === "windows-1252";
}

/** Binary files (images, archives, spreadsheets) have NUL bytes; text CSV in 8-bit encodings never does. */
export function looksBinary(sample: Uint8Array, encoding: Encoding): boolean {
  if (!isAsciiCompatible(encoding)) return false;
  const n = Math.min(sample.length, 8192);
  for (let i = 0; i < n; i++) if (sample[i] === 0) return true;
  return false;
}
