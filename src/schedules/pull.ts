import { randomUUID } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/audit/audit";
import { type Actor, SYSTEM } from "@/auth/actor";
import { datasetNameSchema, getDataset } from "@/datasets/registry";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { withTransaction } from "@/db/transaction";
import { formatBytes } from "@/format";
import { maxUploadBytes } from "@/ingest/store";
import { discardUpload, receiveUpload, submitUpload } from "@/ingest/uploads";
import { PermanentJobError } from "@/queue/errors";
import { AppError } from "@/server/errors";
import { checkCron, nextFireAfter } from "./cron";
import { openPullUrl, PullRefusedError, type PullResponse, refusedHostReason } from "./pull-fetch";
import { scheduleNameSchema } from "./schedules";

/**
 * Pull sources: a URL serving CSV, fetched on a schedule into a dataset. A pull streams the
 * response into the upload store and submits it exactly like an upload (same functions), so it is
 * hashed, inspected, mapped and ingested the same way. The same bytes as the last fetched pull are
 * recognised by SHA-256 and skipped. Each pull is kept with its status, bytes, HTTP status and batch.
 */
export const pullUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .superRefine((u, ctx) => {
    if (!URL.canParse(u))
      ctx.addIssue({ code: "custom", message: "url: not a URL (expected http:// or https://…)" });
    else if (!["http:", "https:"].includes(new URL(u).protocol))
      ctx.addIssue({ code: "custom", message: "url: only http:// and https:// URLs can be pulled" });
    else {
      // Early word for an address that is plainly private; names are checked when fetched.
      const refused = refusedHostReason(u);
      if (refused)
        ctx.addIssue({
          code: "custom",
          message: `url: ${refused}; pulls may not reach private networks (PULL_ALLOW_PRIVATE_NETWORKS=1 allows them)`,
        });
    }
  });

export const createPullSourceInput = z.object({
  name: scheduleNameSchema,
  description: z.string().trim().max(500).default(""),
  url: pullUrlSchema,
  dataset: datasetNameSchema,
  cron: z.string().max(200),
  timeoutSeconds: z.number().int().min(1).max(600).default(30),
  /** Chain: pull → ingest → promote, when the dataset's definition allows automatic promotion. */
  autoPromote: z.boolean().default(false),
  enabled: z.boolean().default(true),
});

export const updatePullSourceInput = z.object({
  name: scheduleNameSchema,
  url: pullUrlSchema.optional(),
  cron: z.string().max(200).optional(),
  timeoutSeconds: z.number().int().min(1).max(600).optional(),
  autoPromote: z.boolean().optional(),
  description: z.string().trim().max(500).optional(),
});

async function checkAutoPromote(dataset: string, autoPromote: boolean) {
  const d = await getDataset(dataset);
  if (autoPromote && !d.definition.promotion?.auto) {
    throw new AppError(
      "BAD_REQUEST",
      `autoPromote: dataset "${dataset}" does not allow automatic promotion (its definition needs "promotion": {"auto": true})`,
    );
  }
  return d;
}

const promoteStep = [{ task: "promote_batch", payload: {} }];

export async function createPullSource(input: z.input<typeof createPullSourceInput>, actor: Actor) {
  const p = createPullSourceInput.parse(input);
  const cron = checkCron(p.cron);
  const dataset = await checkAutoPromote(p.dataset, p.autoPromote);
  return withTransaction(pool(), async (client) => {
    const pullSourceId = randomUUID();
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO app.schedules (name, description, cron, task, payload, steps, enabled, next_fire_at)
       VALUES ($1, $2, $3, 'pull_source', $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING RETURNING id`,
      [
        p.name,
        p.description,
        cron,
        JSON.stringify({ pullSourceId }),
        JSON.stringify(p.autoPromote ? promoteStep : []),
        p.enabled,
        nextFireAfter(cron, new Date()),
      ],
    );
    if (!rows[0]) throw new AppError("CONFLICT", `A schedule named "${p.name}" exists already`);
    await client.query(
      `INSERT INTO app.pull_sources (id, schedule_id, dataset_id, url, timeout_ms, auto_promote)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [pullSourceId, rows[0].id, dataset.id, p.url, p.timeoutSeconds * 1000, p.autoPromote],
    );
    await recordAudit(
      actor,
      "pull_source.create",
      { type: "schedule", id: rows[0].id },
      { name: p.name, url: p.url, dataset: p.dataset, cron, autoPromote: p.autoPromote },
      client,
    );
    return { scheduleId: rows[0].id, pullSourceId, name: p.name };
  });
}

export async function updatePullSource(input: z.input<typeof updatePullSourceInput>, actor: Actor) {
  const u = updatePullSourceInput.parse(input);
  const cron = u.cron === undefined ? undefined : checkCron(u.cron);
  const source = await db().pullSource.findFirst({
    where: { schedule: { name: u.name } },
    include: { schedule: true, dataset: true },
  });
  if (!source) throw new AppError("NOT_FOUND", `No pull source named "${u.name}"`);
  if (u.autoPromote !== undefined) await checkAutoPromote(source.dataset.name, u.autoPromote);
  await withTransaction(pool(), async (client) => {
    const autoPromote = u.autoPromote ?? source.autoPromote;
    await client.query(
      "UPDATE app.pull_sources SET url = $2, timeout_ms = $3, auto_promote = $4 WHERE id = $1",
      [
        source.id,
        u.url ?? source.url,
        u.timeoutSeconds === undefined ? source.timeoutMs : u.timeoutSeconds * 1000,
        autoPromote,
      ],
    );
    const newCron = cron ?? source.schedule.cron;
    await client.query(
      `UPDATE app.schedules SET cron = $2, description = $3, steps = $4, updated_at = now(),
         next_fire_at = CASE WHEN $5 THEN $6 ELSE next_fire_at END WHERE id = $1`,
      [
        source.scheduleId,
        newCron,
        u.description ?? source.schedule.description,
        JSON.stringify(autoPromote ? promoteStep : []),
        newCron !== source.schedule.cron,
        nextFireAfter(newCron, new Date()),
      ],
    );
    await recordAudit(
      actor,
      "pull_source.update",
      { type: "schedule", id: source.scheduleId },
      {
        name: u.name,
        url: u.url ?? null,
        cron: cron ?? null,
        timeoutSeconds: u.timeoutSeconds ?? null,
        autoPromote: u.autoPromote ?? null,
      },
      client,
    );
  });
}

export async function listPulls(name: string, limit = 20) {
  const source = await db().pullSource.findFirst({
    where: { schedule: { name: scheduleNameSchema.parse(name) } },
  });
  if (!source) throw new AppError("NOT_FOUND", `No pull source named "${name}"`);
  const pulls = await db().pull.findMany({
    where: { pullSourceId: source.id },
    orderBy: { startedAt: "desc" },
    take: limit,
    include: { batch: { select: { jobId: true, valid: true, rejected: true, status: true } } },
  });
  return pulls.map((p) => ({
    batch: p.batch,
    id: p.id,
    jobId: p.jobId,
    status: p.status,
    httpStatus: p.httpStatus,
    bytes: p.bytes === null ? null : Number(p.bytes),
    sha256: p.sha256,
    batchId: p.batchId,
    error: p.error,
    startedAt: p.startedAt.toISOString(),
    finishedAt: p.finishedAt?.toISOString() ?? null,
  }));
}

function fileNameOf(url: string): string {
  const last = decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
  return last || "pull.csv";
}

/** What a pull's job reports: the chain hands off to the ingest job, or stops when nothing changed. */
export type PullOutcome =
  | { pull: "fetched"; pullId: string; bytes: number; httpStatus: number; batchId: string; handOff: string }
  | { pull: "unchanged"; pullId: string; bytes: number; httpStatus: number; stopChain: string };

/** The `pull_source` task's work. Failures are recorded on the pull and thrown as permanent. */
export async function runPull(pullSourceId: string, jobId: string): Promise<PullOutcome> {
  const source = await db().pullSource.findUnique({
    where: { id: pullSourceId },
    include: { dataset: true },
  });
  if (!source) throw new PermanentJobError(`Pull source ${pullSourceId} no longer exists`);
  const pull = await db().pull.create({ data: { pullSourceId, jobId, status: "running" } });
  let httpStatus: number | null = null;
  let bytes: number | null = null;
  let sha256: string | null = null;
  try {
    const limit = maxUploadBytes();
    let res: PullResponse;
    try {
      res = await openPullUrl(source.url, {
        timeoutMs: source.timeoutMs,
        accept: "text/csv, text/plain;q=0.9, */*;q=0.5",
      });
    } catch (err) {
      throw err instanceof PullRefusedError
        ? err
        : new Error(fetchFailure(err, source.url, source.timeoutMs));
    }
    httpStatus = res.status;
    if (res.status < 200 || res.status > 299) {
      res.body.destroy();
      throw new Error(
        `${source.url} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`,
      );
    }
    const declared = Number(res.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      res.body.destroy();
      throw new Error(
        `${source.url} is ${formatBytes(declared)}, over the upload limit of ${formatBytes(limit)}`,
      );
    }
    let received: Awaited<ReturnType<typeof receiveUpload>>;
    try {
      received = await receiveUpload({
        datasetName: source.dataset.name,
        fileName: fileNameOf(source.url),
        contentType: res.headers["content-type"] ?? null,
        body: res.body,
        actor: SYSTEM,
      });
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new Error(fetchFailure(err, source.url, source.timeoutMs));
    }
    bytes = received.size;
    sha256 = received.sha256;
    const last = await db().pull.findFirst({
      where: { pullSourceId, status: "fetched", id: { not: pull.id } },
      orderBy: { startedAt: "desc" },
    });
    if (last?.sha256 === received.sha256) {
      await discardUpload(received.uploadId);
      await finishPull(pull.id, { status: "unchanged", httpStatus, bytes, sha256 });
      return {
        pull: "unchanged",
        pullId: pull.id,
        bytes,
        httpStatus,
        stopChain: `Unchanged since the pull of ${last.startedAt.toISOString().slice(0, 19).replace("T", " ")} UTC (same SHA-256); not loaded again`,
      };
    }
    let submitted: Awaited<ReturnType<typeof submitUpload>>;
    try {
      submitted = await submitUpload({ uploadId: received.uploadId }, SYSTEM, received.fileInfo);
    } catch (err) {
      await discardUpload(received.uploadId);
      throw err;
    }
    await finishPull(pull.id, {
      status: "fetched",
      httpStatus,
      bytes,
      sha256,
      uploadId: received.uploadId,
      batchId: submitted.batchId,
    });
    return {
      pull: "fetched",
      pullId: pull.id,
      bytes,
      httpStatus,
      batchId: submitted.batchId,
      handOff: submitted.jobId,
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await finishPull(pull.id, { status: "failed", httpStatus, bytes, sha256, error: message });
    // The next scheduled pull is the retry; an operator can also run the schedule now.
    throw new PermanentJobError(message);
  }
}

function fetchFailure(err: unknown, url: string, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") {
    return `${url} did not answer in full within ${timeoutMs / 1000} s (timeout)`;
  }
  const cause = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
  return `Could not fetch ${url}: ${cause}`;
}

async function finishPull(
  id: string,
  data: {
    status: "fetched" | "unchanged" | "failed";
    httpStatus: number | null;
    bytes: number | null;
    sha256: string | null;
    uploadId?: string;
    batchId?: string;
    error?: string;
  },
) {
  await db().pull.update({
    where: { id },
    data: {
      ...data,
      bytes: data.bytes === null ? null : BigInt(data.bytes),
      error: data.error?.slice(0, 2000) ?? null,
      finishedAt: new Date(),
    },
  });
}
