import { createHash, randomUUID } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { dataDir } from "@/env";
import { formatBytes } from "@/format";
import { AppError } from "@/server/errors";

/**
 * Where uploaded files live: a directory every worker can read. One machine: `<data dir>/uploads`.
 * Several machines: point UPLOAD_DIR at a shared filesystem (NFS, EFS, a mounted bucket) on all of
 * them. Keys are generated here (`yyyy/mm/<uuid>.csv`); no name from a request reaches the filesystem.
 */
export function uploadRoot(): string {
  // A run-time location, not part of the app: keep Next's output tracing from following it.
  return path.resolve(/* turbopackIgnore: true */ process.env.UPLOAD_DIR || path.join(dataDir(), "uploads"));
}

export function uploadPath(key: string): string {
  if (!/^\d{4}\/\d{2}\/[0-9a-f-]{36}\.csv$/.test(key)) throw new Error(`Not an upload key: ${key}`);
  return path.join(uploadRoot(), key);
}

export const DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 ** 3;

export function maxUploadBytes(): number {
  const v = Number(process.env.UPLOAD_MAX_BYTES);
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_MAX_UPLOAD_BYTES;
}

export interface StoredFile {
  key: string;
  size: number;
  sha256: string;
}

/**
 * Streams bytes to the store, hashing as they pass; never holds the file in memory. Over the size
 * limit the partial file is removed and a 413 names the limit.
 */
export async function storeStream(
  source: NodeJS.ReadableStream | AsyncIterable<Uint8Array>,
  limit = maxUploadBytes(),
): Promise<StoredFile> {
  const now = new Date();
  const key = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, "0")}/${randomUUID()}.csv`;
  const file = uploadPath(key);
  await mkdir(path.dirname(file), { recursive: true });
  const hash = createHash("sha256");
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limit) {
        done(
          new AppError(
            "PAYLOAD_TOO_LARGE",
            `The file is larger than the upload limit of ${formatBytes(limit)}`,
          ),
        );
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const out = createWriteStream(file, { flags: "wx" });
  try {
    await pipeline(source as NodeJS.ReadableStream, meter, out);
  } catch (err) {
    // The file may still be opening when the pipeline fails; remove it only once it is closed, or
    // the open would re-create it after the removal.
    if (!out.closed) await once(out, "close").catch(() => undefined);
    await rm(file, { force: true });
    throw err;
  }
  return { key, size, sha256: hash.digest("hex") };
}

export async function readHead(key: string, bytes: number): Promise<Buffer> {
  const file = uploadPath(key);
  const { size } = await stat(file);
  if (size === 0) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const c of createReadStream(file, { start: 0, end: Math.min(size, bytes) - 1 }))
    chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function removeStored(key: string): Promise<void> {
  await rm(uploadPath(key), { force: true });
}
