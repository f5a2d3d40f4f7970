import { z } from "zod";
import { recordAudit } from "@/audit/audit";
import { type Actor, actorLabel } from "@/auth/actor";
import { getDataset } from "@/datasets/registry";
import { db } from "@/db/prisma";
import type { Prisma } from "@/generated/prisma/client";
import { enqueueJob } from "@/queue/jobs";
import { type Priority, prioritySchema } from "@/queue/priorities";
import { AppError } from "@/server/errors";
import { type FileInfo, inspectStoredFile } from "./inspect";
import { checkMapping, headerKey, type Mapping, suggestMapping } from "./mapping";
import { removeStored, storeStream } from "./store";

/**
 * An upload arrives in two steps, which the one-shot API call does back to back: the bytes are
 * stored (streamed, hashed, inspected), then submitted with a column mapping and a priority, which
 * creates the job and its batch. The browser uploads while the analyst maps columns.
 */
export interface DuplicateOf {
  uploadId: string;
  fileName: string;
  uploadedAt: string;
  uploadedBy: string;
  batchId: string | null;
  jobId: string | null;
}

export interface ReceivedUpload {
  uploadId: string;
  fileName: string;
  size: number;
  sha256: string;
  fileInfo: FileInfo;
  duplicateOf: DuplicateOf | null;
}

export const fileNameSchema = z
  .string()
  .trim()
  .max(255)
  .transform(
    (n) =>
      [...n].map((ch) => (ch.charCodeAt(0) < 32 || ch === "/" || ch === "\\" ? "_" : ch)).join("") ||
      "upload.csv",
  );

export async function receiveUpload(opts: {
  datasetName: string;
  fileName: string;
  contentType: string | null;
  body: NodeJS.ReadableStream | AsyncIterable<Uint8Array>;
  actor: Actor;
}): Promise<ReceivedUpload> {
  const dataset = await getDataset(opts.datasetName);
  const fileName = fileNameSchema.parse(opts.fileName);
  const stored = await storeStream(opts.body);
  let fileInfo: FileInfo;
  try {
    fileInfo = await inspectStoredFile(stored.key, fileName);
  } catch (err) {
    await removeStored(stored.key);
    throw err;
  }
  const duplicateOf = await findDuplicate(stored.sha256, dataset.id);
  const upload = await db().upload.create({
    data: {
      datasetId: dataset.id,
      fileName,
      sizeBytes: stored.size,
      sha256: stored.sha256,
      storageKey: stored.key,
      contentType: opts.contentType,
      createdById: opts.actor.kind === "user" ? opts.actor.id : null,
      createdBy: actorLabel(opts.actor),
    },
  });
  return { uploadId: upload.id, fileName, size: stored.size, sha256: stored.sha256, fileInfo, duplicateOf };
}

/** The earliest earlier upload of the same bytes into the same dataset, with the batch it produced. */
async function findDuplicate(sha256: string, datasetId: string): Promise<DuplicateOf | null> {
  const earlier = await db().upload.findFirst({
    where: { sha256, datasetId },
    orderBy: { createdAt: "asc" },
    include: { batches: { orderBy: { createdAt: "asc" }, take: 1 } },
  });
  if (!earlier) return null;
  const batch = earlier.batches[0];
  return {
    uploadId: earlier.id,
    fileName: earlier.fileName,
    uploadedAt: earlier.createdAt.toISOString(),
    uploadedBy: earlier.createdBy,
    batchId: batch?.id ?? null,
    jobId: batch?.jobId ?? null,
  };
}

export const submitUploadInput = z.object({
  uploadId: z.uuid(),
  /** Per header position, the column it fills or null; omitted: the remembered or suggested mapping. */
  mapping: z.array(z.string().nullable()).optional(),
  priority: prioritySchema.default("standard"),
});

export interface SubmittedUpload {
  jobId: string;
  batchId: string;
  status: "queued";
  mapping: Mapping;
  warnings: string[];
}

export async function submitUpload(
  input: z.input<typeof submitUploadInput>,
  actor: Actor,
  fileInfo?: FileInfo,
): Promise<SubmittedUpload> {
  const { uploadId, mapping: given, priority } = submitUploadInput.parse(input);
  const upload = await db().upload.findUnique({
    where: { id: uploadId },
    include: { dataset: true, batches: { take: 1 } },
  });
  if (!upload) throw new AppError("NOT_FOUND", "No such upload");
  if (upload.batches.length) throw new AppError("CONFLICT", "This upload was submitted already");
  const dataset = await getDataset(upload.dataset.name);
  const def = dataset.definition;
  const info = fileInfo ?? (await inspectStoredFile(upload.storageKey, upload.fileName));
  const { headers } = info;

  let mapping: Mapping;
  if (given) {
    if (given.length !== headers.length) {
      throw new AppError(
        "BAD_REQUEST",
        `The mapping has ${given.length} entries but the file has ${headers.length} columns`,
      );
    }
    const unknown = given.filter((c): c is string => c !== null && !def.columns.some((d) => d.name === c));
    if (unknown.length)
      throw new AppError("BAD_REQUEST", `The mapping names unknown columns: ${unknown.join(", ")}`);
    mapping = given;
  } else {
    const remembered = await db().columnMapping.findUnique({
      where: { datasetId_headerHash: { datasetId: dataset.id, headerHash: headerKey(headers) } },
    });
    mapping = suggestMapping(headers, def, remembered?.mapping as Mapping | undefined).mapping;
  }
  const check = checkMapping(headers, mapping, def);
  if (check.duplicated.length) {
    throw new AppError(
      "BAD_REQUEST",
      `More than one file column is mapped to: ${check.duplicated.join(", ")}`,
    );
  }
  if (check.missingRequired.length) {
    throw new AppError(
      "BAD_REQUEST",
      `${upload.fileName}: required column${check.missingRequired.length > 1 ? "s" : ""} ${check.missingRequired.join(", ")} ${check.missingRequired.length > 1 ? "are" : "is"} missing from the header (found: ${headers.join(", ")})`,
    );
  }
  const warnings: string[] = [];
  if (check.ignoredHeaders.length)
    warnings.push(`Columns not in the dataset are ignored: ${check.ignoredHeaders.join(", ")}`);

  let batchId = "";
  const job = await enqueueJob(
    {
      task: "ingest",
      priority: priority as Priority,
      datasetId: dataset.id,
      payload: async (tx, jobId) => {
        const batch = await tx.batch.create({
          data: {
            datasetId: dataset.id,
            datasetVersion: dataset.version,
            uploadId: upload.id,
            jobId,
            mapping: mapping as Prisma.InputJsonValue,
            fileInfo: info as unknown as Prisma.InputJsonValue,
            warnings: warnings as Prisma.InputJsonValue,
          },
        });
        batchId = batch.id;
        if (given) {
          await tx.columnMapping.upsert({
            where: { datasetId_headerHash: { datasetId: dataset.id, headerHash: headerKey(headers) } },
            create: { datasetId: dataset.id, headerHash: headerKey(headers), headers, mapping: given },
            update: { headers, mapping: given },
          });
        }
        await recordAudit(
          actor,
          "upload.submit",
          { type: "batch", id: batch.id },
          {
            dataset: dataset.name,
            file: upload.fileName,
            sha256: upload.sha256,
            bytes: Number(upload.sizeBytes),
          },
          tx,
        );
        return { batchId: batch.id };
      },
    },
    actor,
  );
  return { jobId: job.id, batchId, status: "queued", mapping, warnings };
}

/** Removes an upload that will never be submitted (the one-shot API refused its mapping): row and bytes. */
export async function discardUpload(uploadId: string): Promise<void> {
  const upload = await db().upload.findUnique({ where: { id: uploadId }, include: { batches: { take: 1 } } });
  if (!upload || upload.batches.length) return;
  await db().upload.delete({ where: { id: uploadId } });
  await removeStored(upload.storageKey);
}
