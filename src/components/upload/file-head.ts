import type { Encoding } from "@/ingest/csv/encoding";
import type { Delimiter } from "@/ingest/csv/sniff";
import { type FileHeadResult, HEAD_BYTES, inspectBytes } from "@/ingest/file-head";

export type { FileHead, FileHeadResult } from "@/ingest/file-head";

/** The head of a chosen file, read with File.slice (never the whole file), judged like the server does. */
export async function readFileHead(file: File): Promise<FileHeadResult> {
  const bytes = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  return inspectBytes(bytes, file.name, file.size <= HEAD_BYTES);
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
