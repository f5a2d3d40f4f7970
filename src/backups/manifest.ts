import { z } from "zod";

/** What an archive holds, first entry `manifest.json`; parts follow in the order listed here. */
export const MANIFEST_FORMAT = "sluice-backup/1";

export type Compression = "gzip" | "brotli";
export const COMPRESSED_EXTENSION: Record<Compression, string> = { gzip: ".gz", brotli: ".br" };

const columnSchema = z.object({ name: z.string(), type: z.string() });

export const partSchema = z.object({
  /** `.gz` or `.br` after the compression the manifest names; `.enc` when encrypted. */
  file: z.string().regex(/^parts\/\d{4}\.copy\.(gz|br)(\.enc)?$/),
  schema: z.enum(["app", "staging", "production", "history"]),
  table: z.string().min(1).max(63),
  /** The dataset a data table belongs to (its name), when one does. */
  dataset: z.string().nullable(),
  columns: z.array(columnSchema).min(1),
  rows: z.number().int().min(0),
  /** Bytes of the stored part (compressed, encrypted when the backup is). */
  bytes: z.number().int().min(0),
  /** Bytes of the COPY text before compression. */
  rawBytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type BackupPart = z.infer<typeof partSchema>;

export const manifestSchema = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    id: z.uuid(),
    engine: z.literal("builtin"),
    createdBy: z.string(),
    createdAt: z.string(),
    snapshotAt: z.string(),
    durationMs: z.number().int().min(0),
    reason: z.string().nullable(),
    trigger: z.enum(["manual", "schedule"]),
    schemaVersion: z.string(),
    postgresVersion: z.string(),
    /** gzip: every backup made before brotli (format 1 from the start); brotli since. */
    compression: z.enum(["gzip", "brotli"]),
    encryption: z.object({ algorithm: z.literal("aes-256-gcm"), keyFingerprint: z.string() }).nullable(),
    datasets: z.array(z.object({ id: z.uuid(), name: z.string(), definition: z.unknown() })),
    parts: z.array(partSchema),
  })
  .refine((m) => m.parts.every((p) => p.file.includes(COMPRESSED_EXTENSION[m.compression])), {
    message: "a part's file name does not match the manifest's compression",
    path: ["parts"],
  });
export type BackupManifest = z.infer<typeof manifestSchema>;

export const partKey = (p: Pick<BackupPart, "schema" | "table">) => `${p.schema}.${p.table}`;
