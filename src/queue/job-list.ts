import { z } from "zod";
import type { Actor } from "@/auth/actor";
import { db } from "@/db/prisma";
import type { Prisma } from "@/generated/prisma/client";
import { prioritySchema } from "./priorities";

export const jobListInput = z.object({
  mine: z.boolean().default(false),
  dataset: z.string().max(64).optional(),
  status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]).optional(),
  priority: prioritySchema.optional(),
  limit: z.number().int().min(1).max(200).default(50),
  /** `<created_at ISO>|<id>` of the last row of the previous page. */
  cursor: z.string().max(200).optional(),
});

/** Jobs, newest first, with keyset paging so deep pages stay fast. */
export async function listJobs(input: z.input<typeof jobListInput>, actor: Actor) {
  const q = jobListInput.parse(input);
  const where: Prisma.JobWhereInput = {};
  if (q.mine) where.createdById = actor.kind === "user" ? actor.id : "00000000-0000-0000-0000-000000000000";
  if (q.dataset) where.dataset = { name: q.dataset };
  if (q.status) where.status = q.status;
  if (q.priority) where.priority = q.priority;
  if (q.cursor) {
    const [at, id] = q.cursor.split("|");
    const createdAt = new Date(at ?? "");
    if (!Number.isNaN(createdAt.getTime()) && id) {
      where.OR = [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }];
    }
  }
  const jobs = await db().job.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
    include: {
      dataset: { select: { name: true } },
      batch: {
        select: {
          id: true,
          rows: true,
          valid: true,
          rejected: true,
          duplicates: true,
          upload: { select: { fileName: true, createdBy: true } },
        },
      },
    },
  });
  const page = jobs.slice(0, q.limit);
  const last = page.at(-1);
  return {
    jobs: page.map((j) => ({
      id: j.id,
      type: j.type,
      dataset: j.dataset?.name ?? null,
      priority: j.priority,
      status: j.status,
      progress: j.progress,
      error: j.error,
      fileName: j.batch?.upload.fileName ?? null,
      createdBy: j.batch?.upload.createdBy ?? null,
      batchId: j.batch?.id ?? null,
      counts: j.batch
        ? {
            rows: j.batch.rows,
            valid: j.batch.valid,
            rejected: j.batch.rejected,
            duplicates: j.batch.duplicates,
          }
        : null,
      createdAt: j.createdAt.toISOString(),
      startedAt: j.startedAt?.toISOString() ?? null,
      finishedAt: j.finishedAt?.toISOString() ?? null,
    })),
    nextCursor: jobs.length > q.limit && last ? `${last.createdAt.toISOString()}|${last.id}` : null,
  };
}
