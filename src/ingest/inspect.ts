import { AppError } from "@/server/errors";
import type { Encoding } from "./csv/encoding";
import type { Delimiter } from "./csv/sniff";
import { HEAD_BYTES, inspectBytes } from "./file-head";
import { readHead } from "./store";

/** What the pipeline needs to know about a file before loading it, found in its first bytes. */
export interface FileInfo {
  encoding: Encoding;
  bom: number;
  delimiter: Delimiter;
  headers: string[];
}

export { HEAD_BYTES };

/**
 * Reads the head of a stored file: encoding, delimiter, header. Refuses, with a reason, what is not
 * a CSV at all: an empty file, binary content, a file with no header row.
 */
export async function inspectStoredFile(key: string, fileName: string): Promise<FileInfo> {
  const head = await readHead(key, HEAD_BYTES);
  return inspectHead(head, fileName);
}

export function inspectHead(head: Uint8Array, fileName: string): FileInfo {
  const result = inspectBytes(head, fileName, head.length < HEAD_BYTES);
  if (!result.ok) throw new AppError("BAD_REQUEST", result.message);
  const { encoding, bom, delimiter, headers } = result.head;
  return { encoding, bom, delimiter, headers };
}
