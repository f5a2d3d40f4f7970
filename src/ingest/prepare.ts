import { z } from "zod";
import { getDataset } from "@/datasets/registry";
import { db } from "@/db/prisma";
import type { FileInfo } from "./inspect";
import {
  checkMapping,
  type HeaderDrift,
  headerDrift,
  headerKey,
  type Mapping,
  type MappingSuggestion,
  suggestMapping,
} from "./mapping";

/**
 * What the Upload page shows before submit, from the file's header alone (read in the browser):
 * the suggested mapping (the one remembered for these headers, else matched), what it leaves
 * unfilled, header drift against the dataset's previous upload, and an estimate of the time.
 */
export const prepareUploadInput = z.object({
  dataset: z.string(),
  headers: z.array(z.string().max(1000)).min(1).max(10_000),
  bytes: z.number().int().min(0),
});

export interface UploadPreparation {
  suggestion: MappingSuggestion;
  remembered: boolean;
  drift: (HeaderDrift & { previousFile: string; previousAt: string }) | null;
  check: ReturnType<typeof checkMapping>;
  /** From recent large loads' throughput (this dataset's first), or a default rate before any. */
  estimateSeconds: number | null;
}

export async function prepareUpload(input: z.input<typeof prepareUploadInput>): Promise<UploadPreparation> {
  const { dataset: name, headers, bytes } = prepareUploadInput.parse(input);
  const dataset = await getDataset(name);
  const remembered = await db().columnMapping.findUnique({
    where: { datasetId_headerHash: { datasetId: dataset.id, headerHash: headerKey(headers) } },
  });
  const suggestion = suggestMapping(headers, dataset.definition, remembered?.mapping as Mapping | undefined);
  const previous = await db().batch.findFirst({
    where: { datasetId: dataset.id },
    orderBy: { createdAt: "desc" },
    include: { upload: true },
  });
  const prevHeaders = (previous?.fileInfo as unknown as FileInfo | undefined)?.headers;
  const drift = prevHeaders ? headerDrift(prevHeaders, headers) : null;
  return {
    suggestion,
    remembered: suggestion.kinds.includes("remembered"),
    drift:
      drift && previous
        ? { ...drift, previousFile: previous.upload.fileName, previousAt: previous.createdAt.toISOString() }
        : null,
    check: checkMapping(headers, suggestion.mapping, dataset.definition),
    estimateSeconds: await estimateSeconds(dataset.id, bytes),
  };
}

/** Below this, a load's time is mostly fixed overhead (queueing, planning), not throughput. */
const MIN_SAMPLE_BYTES = 1024 * 1024;
/** Used until this installation has loaded a large file: about what a 2-core machine does. */
const DEFAULT_BYTES_PER_SECOND = 25 * 1024 * 1024;
const FIXED_SECONDS = 1;

/**
 * Seconds for a file of this size: a fixed second plus the bytes at the throughput of the last
 * large successful loads (this dataset's first). Small loads say little about throughput and are
 * left out, or a tiny sample file would predict an hour for a large one.
 */
async function estimateSeconds(datasetId: string, bytes: number): Promise<number | null> {
  const recent = await db().$queryRaw<{ bytes: bigint; seconds: number }[]>`
    SELECT u.size_bytes AS bytes, EXTRACT(EPOCH FROM (j.finished_at - j.started_at))::float8 AS seconds
    FROM app.batches b JOIN app.jobs j ON j.id = b.job_id JOIN app.uploads u ON u.id = b.upload_id
    WHERE j.status = 'succeeded' AND j.finished_at > j.started_at AND u.size_bytes >= ${MIN_SAMPLE_BYTES}
    ORDER BY (b.dataset_id = ${datasetId}::uuid) DESC, j.finished_at DESC LIMIT 5`;
  const totalBytes = recent.reduce((s, r) => s + Number(r.bytes), 0);
  const totalSeconds = recent.reduce((s, r) => s + Math.max(0, r.seconds - FIXED_SECONDS), 0);
  const rate = recent.length && totalSeconds > 0 ? totalBytes / totalSeconds : DEFAULT_BYTES_PER_SECOND;
  return Math.max(1, Math.round(FIXED_SECONDS + bytes / rate));
}
