import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import path from "node:path";
import { type Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { AppError } from "@/server/errors";
import { type BackupManifest, type BackupPart, manifestSchema } from "./manifest";
import { backupStorage } from "./storage";

/**
 * The archive: a plain tar (readable with `tar -xf`) of `manifest.json` then each part
 * (`parts/NNNN.copy.br[.enc]` or `.gz`: one table's `COPY … TO STDOUT` text, brotli or gzip as the
 * manifest says, maybe AES-256-GCM).
 */
export function packArchive(manifest: BackupManifest, workDir: string, sizes: number[]): Readable {
  const pack = tar.pack();
  (async () => {
    pack.entry({ name: "manifest.json" }, `${JSON.stringify(manifest, null, 2)}\n`);
    for (const [i, part] of manifest.parts.entries()) {
      const entry = pack.entry({ name: part.file, size: sizes[i] });
      await pipeline(
        createReadStream(path.join(workDir, path.basename(part.file)), { highWaterMark: 1024 * 1024 }),
        entry,
      );
    }
    pack.finalize();
  })().catch((err) => pack.destroy(err));
  return pack as unknown as Readable;
}

export interface ArchiveVisitor {
  /** Called with each part's stream in archive order; must consume or drain it. */
  part(part: BackupPart, stream: Readable): Promise<void>;
}

/** Streams through an archive: the manifest first, then each part handed to `onPart`. */
export async function readArchive(
  id: string,
  onManifest: (m: BackupManifest) => Promise<void> | void,
  onPart?: (part: BackupPart, stream: Readable) => Promise<void>,
): Promise<BackupManifest> {
  const source = await backupStorage()
    .get(id)
    .catch(() => {
      throw new AppError("NOT_FOUND", `The archive of backup ${id} is missing from storage`);
    });
  const extract = tar.extract();
  source.pipe(extract as unknown as NodeJS.WritableStream);
  let manifest: BackupManifest | undefined;
  let index = 0;
  try {
    for await (const entry of extract) {
      if (!manifest) {
        if (entry.header.name !== "manifest.json") throw corrupt(id, "it does not start with manifest.json");
        const chunks: Buffer[] = [];
        for await (const c of entry) chunks.push(c as Buffer);
        const parsed = manifestSchema.safeParse(safeJson(Buffer.concat(chunks).toString("utf8")));
        if (!parsed.success)
          throw corrupt(id, `its manifest is invalid (${parsed.error.issues[0]?.message})`);
        manifest = parsed.data;
        await onManifest(manifest);
        if (!onPart) break;
        continue;
      }
      const part = manifest.parts[index];
      if (!part || part.file !== entry.header.name) {
        throw corrupt(id, `entry ${entry.header.name} is not the next part the manifest lists`);
      }
      index += 1;
      await onPart!(part, entry as unknown as Readable);
      entry.resume();
    }
  } finally {
    source.destroy();
    extract.destroy();
  }
  if (!manifest) throw corrupt(id, "it has no manifest");
  if (onPart && index !== manifest.parts.length) {
    throw corrupt(id, `it ends after ${index} of ${manifest.parts.length} parts`);
  }
  return manifest;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function corrupt(id: string, why: string): AppError {
  return new AppError("CONFLICT", `Backup ${id} is damaged: ${why}`);
}

/** SHA-256 of each stored part against the manifest; throws naming the first part that differs. */
export async function checkChecksums(id: string): Promise<BackupManifest> {
  return readArchive(
    id,
    () => undefined,
    async (part, stream) => {
      const hash = createHash("sha256");
      let bytes = 0;
      await pipeline(
        stream,
        new Writable({
          write(chunk: Buffer, _e, done) {
            hash.update(chunk);
            bytes += chunk.length;
            done();
          },
        }),
      );
      const sum = hash.digest("hex");
      if (sum !== part.sha256 || bytes !== part.bytes) {
        throw corrupt(
          id,
          `checksum mismatch in ${part.file} (${part.schema}.${part.table}): expected ${part.sha256.slice(0, 12)}…, got ${sum.slice(0, 12)}…`,
        );
      }
    },
  );
}

export const readManifest = (id: string) => readArchive(id, () => undefined);
