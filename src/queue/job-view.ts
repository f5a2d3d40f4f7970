import { db } from "@/db/prisma";
import { AppError } from "@/server/errors";

/** A job as the console and the API show it (DESIGN.md's job JSON, extended). */
export interface JobView {
  id: string;
  type: string;
  dataset: string | null;
  priority: string;
  status: string;
  progress: number;
  counts: { rows: number; valid: number; rejected: number; duplicates: number };
  classification: { new: number; changed: number; unchanged: number } | null;
  qualityScore: number | null;
  error: string | null;
  batchId: string | null;
  upload: { id: string; fileName: string; bytes: number; sha256: string } | null;
  attempts: number;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Rows per second so far (running) or overall (finished). */
  rowsPerSecond: number | null;
  /** Seconds left at the current rate, while running. */
  etaSeconds: number | null;
}

export async function jobView(id: string): Promise<JobView> {
  const job = await db().job.findUnique({
    where: { id },
    include: {
      dataset: { select: { name: true } },
      batch: { include: { upload: true, qualityReport: { select: { overall: true } } } },
    },
  });
  if (!job) throw new AppError("NOT_FOUND", `No job ${id}`);
  const batch = job.batch;
  const counts = (job.counts ?? {}) as Record<string, number>;
  const total = batch?.rows ?? counts.rows ?? 0;
  const done = job.status === "succeeded" ? total : Math.round(job.progress * total);
  const end = job.finishedAt ?? new Date();
  const seconds = job.startedAt ? (end.getTime() - job.startedAt.getTime()) / 1000 : 0;
  const rate = seconds > 0 && done > 0 ? done / seconds : null;
  const creator = job.createdById
    ? await db().user.findUnique({ where: { id: job.createdById }, select: { email: true } })
    : null;
  return {
    id: job.id,
    type: job.type,
    dataset: job.dataset?.name ?? null,
    priority: job.priority,
    status: job.status,
    progress: job.progress,
    counts: {
      rows: batch?.status === "staged" ? batch.rows : total,
      valid: batch?.valid ?? counts.valid ?? 0,
      rejected: batch?.rejected ?? counts.rejected ?? 0,
      duplicates: batch?.duplicates ?? counts.duplicates ?? 0,
    },
    classification:
      batch?.status === "staged"
        ? (batch.classification as { new: number; changed: number; unchanged: number })
        : null,
    qualityScore: batch?.qualityReport?.overall ?? null,
    error: job.error,
    batchId: batch?.id ?? null,
    upload: batch
      ? {
          id: batch.upload.id,
          fileName: batch.upload.fileName,
          bytes: Number(batch.upload.sizeBytes),
          sha256: batch.upload.sha256,
        }
      : null,
    attempts: job.attempts,
    createdBy: creator?.email ?? batch?.upload.createdBy ?? null,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    rowsPerSecond: rate ? Math.round(rate) : null,
    etaSeconds: job.status === "running" && rate && total > done ? Math.round((total - done) / rate) : null,
  };
}
