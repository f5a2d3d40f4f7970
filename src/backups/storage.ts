import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { dataDir } from "@/env";

/**
 * Where finished backup archives live. Only backup ids (UUIDs, validated here) name objects, so
 * nothing from a request reaches the filesystem. An S3-compatible store implements the same four
 * methods: `put` as a multipart upload of the stream to `<prefix>/<id>.tar` (aborted on error, so no
 * partial object survives), `get` as a GetObject body stream, `size` as HeadObject, `remove` as
 * DeleteObject; the parts are assembled in the local work directory either way.
 */
export interface BackupStorage {
  /** Writes the archive; on any error nothing is left behind under the id. */
  put(id: string, archive: Readable): Promise<number>;
  get(id: string): Promise<Readable>;
  size(id: string): Promise<number | null>;
  remove(id: string): Promise<void>;
  /** Scratch space for the parts of a backup being made. */
  workDir(id: string): string;
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function checkBackupId(id: string): string {
  if (!ID.test(id)) throw new Error(`Not a backup id: ${JSON.stringify(id)}`);
  return id;
}

export function backupRoot(): string {
  return path.resolve(/* turbopackIgnore: true */ process.env.BACKUP_DIR || path.join(dataDir(), "backups"));
}

export class LocalDirectoryStorage implements BackupStorage {
  constructor(readonly root: string) {}

  private file(id: string) {
    return path.join(this.root, `${checkBackupId(id)}.tar`);
  }

  /** The in-progress file; renamed into place only once complete. */
  partialPath(id: string) {
    return `${this.file(id)}.partial`;
  }

  workDir(id: string) {
    return path.join(this.root, ".work", checkBackupId(id));
  }

  async put(id: string, archive: Readable): Promise<number> {
    const partial = this.partialPath(id);
    try {
      await mkdir(this.root, { recursive: true });
      await pipeline(archive, createWriteStream(partial));
      await rename(partial, this.file(id));
      return (await stat(this.file(id))).size;
    } catch (err) {
      archive.destroy();
      await rm(partial, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  async get(id: string): Promise<Readable> {
    const file = this.file(id);
    await stat(file);
    return createReadStream(file, { highWaterMark: 1024 * 1024 });
  }

  async size(id: string): Promise<number | null> {
    try {
      return (await stat(this.file(id))).size;
    } catch {
      return null;
    }
  }

  async remove(id: string): Promise<void> {
    await rm(this.file(id), { force: true });
    await rm(this.partialPath(id), { force: true });
  }
}

export function backupStorage(): BackupStorage {
  return new LocalDirectoryStorage(backupRoot());
}
