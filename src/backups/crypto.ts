import { createCipheriv, createDecipheriv, createHash, type DecipherGCM, randomBytes } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { AppError } from "@/server/errors";

/**
 * Optional encryption of backup parts: AES-256-GCM with the key in BACKUP_ENCRYPTION_KEY (base64,
 * 32 bytes). A part is `iv (12 bytes) | ciphertext | tag (16 bytes)`. The manifest records only a
 * fingerprint of the key, so a wrong key is named as such before any data is read; the key itself
 * is never stored.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function backupKey(required: boolean): Buffer | null {
  const raw = process.env.BACKUP_ENCRYPTION_KEY;
  if (!raw) {
    if (required) {
      throw new AppError(
        "CONFLICT",
        "This backup is encrypted and BACKUP_ENCRYPTION_KEY is not set; set it to the key the backup was made with",
      );
    }
    return null;
  }
  const key = Buffer.from(raw, "base64");
  if (key.length !== 32) {
    throw new AppError(
      "CONFLICT",
      `BACKUP_ENCRYPTION_KEY must be 32 bytes in base64 (e.g. \`openssl rand -base64 32\`); it decodes to ${key.length} bytes`,
    );
  }
  return key;
}

/** Identifies a key without revealing it. */
export function keyFingerprint(key: Buffer): string {
  return createHash("sha256").update("sluice-backup-key:").update(key).digest("hex").slice(0, 16);
}

/** The key for a backup with this fingerprint, or a clear error when it is missing or another one. */
export function keyFor(fingerprint: string): Buffer {
  const key = backupKey(true)!;
  if (keyFingerprint(key) !== fingerprint) {
    throw new AppError(
      "CONFLICT",
      `BACKUP_ENCRYPTION_KEY is not the key this backup was encrypted with (backup key fingerprint ${fingerprint}, configured ${keyFingerprint(key)})`,
    );
  }
  return key;
}

export function encryptStream(key: Buffer): Transform {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  let started = false;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      if (!started) {
        this.push(iv);
        started = true;
      }
      done(null, cipher.update(chunk));
    },
    flush(done: TransformCallback) {
      if (!started) this.push(iv);
      this.push(cipher.final());
      done(null, cipher.getAuthTag());
    },
  });
}

/** Decrypts a part; the trailing tag is held back until the end, where it authenticates everything. */
export function decryptStream(key: Buffer): Transform {
  let head = Buffer.alloc(0);
  let decipher: DecipherGCM | undefined;
  let tail = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      let data = chunk;
      if (!decipher) {
        head = Buffer.concat([head, data]);
        if (head.length < IV_BYTES) return done();
        decipher = createDecipheriv("aes-256-gcm", key, head.subarray(0, IV_BYTES));
        data = head.subarray(IV_BYTES);
      }
      const all = tail.length ? Buffer.concat([tail, data]) : data;
      const cut = Math.max(0, all.length - TAG_BYTES);
      tail = Buffer.from(all.subarray(cut));
      done(null, cut > 0 ? decipher.update(all.subarray(0, cut)) : undefined);
    },
    flush(done: TransformCallback) {
      if (!decipher || tail.length !== TAG_BYTES) return done(new Error("encrypted part is truncated"));
      decipher.setAuthTag(tail);
      try {
        done(null, decipher.final());
      } catch {
        done(new Error("encrypted part failed authentication (wrong key or altered bytes)"));
      }
    },
  });
}
