import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { AppError } from "@/server/errors";
import { decompressor } from "./compress";
import { decryptStream, keyFor } from "./crypto";
import type { BackupManifest, BackupPart } from "./manifest";
import { columnList } from "./sql";

/** The key an archive needs (null when it is not encrypted); clear errors when missing or wrong. */
export function keyForManifest(manifest: BackupManifest): Buffer | null {
  return manifest.encryption ? keyFor(manifest.encryption.keyFingerprint) : null;
}

/**
 * Streams one part into `target` with `COPY … FROM STDIN` (decrypting and decompressing on the
 * way) and checks the row count against the manifest. Unreadable bytes are named as such.
 */
export async function copyPartInto(
  client: pg.ClientBase,
  backupId: string,
  part: BackupPart,
  stream: Readable,
  key: Buffer | null,
  target: string,
  compression: BackupManifest["compression"],
): Promise<number> {
  const copy = client.query(copyFrom(`COPY ${target} (${columnList(part.columns)}) FROM STDIN`));
  const stages: (NodeJS.ReadableStream | NodeJS.ReadWriteStream | NodeJS.WritableStream)[] = [stream];
  if (key) stages.push(decryptStream(key));
  stages.push(decompressor(compression), copy);
  try {
    await pipeline(stages);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof AppError) throw err;
    throw new AppError(
      "CONFLICT",
      `Backup ${backupId}: ${part.schema}.${part.table} (${part.file}) could not be loaded: ${message}`,
    );
  }
  if (copy.rowCount !== part.rows) {
    throw new AppError(
      "CONFLICT",
      `Backup ${backupId}: ${part.schema}.${part.table} has ${copy.rowCount} rows in the archive; the manifest says ${part.rows}`,
    );
  }
  return copy.rowCount;
}
