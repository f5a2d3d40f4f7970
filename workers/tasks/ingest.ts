import { pool } from "@/db/pool";
import { failIngest, finalizeBatch, planIngest, runChunk } from "@/ingest/pipeline";
import { sluiceTask } from "../sluice-task";

/** Clean-up shared by the three steps: a failed load leaves no staged rows behind. */
const onFailure = (p: { jobId: string; batchId: string }, message: string) => failIngest(pool(), p, message);

export const ingest = sluiceTask(
  "ingest",
  async (p, _helpers, ctx) => {
    await planIngest(pool(), p, ctx.workerProcessId);
    await ctx.log("Planned the load: chunk tasks queued");
    return undefined;
  },
  { lifecycle: "step", onFailure },
);

export const ingestChunk = sluiceTask(
  "ingest_chunk",
  async (p, _helpers, ctx) => {
    await runChunk(pool(), p);
    await ctx.log(`Chunk ${p.index + 1} loaded`);
    return undefined;
  },
  { lifecycle: "step", onFailure },
);

export const ingestFinalize = sluiceTask(
  "ingest_finalize",
  async (p, _helpers, ctx) => {
    await finalizeBatch(pool(), p);
    await ctx.log("Finalized: duplicates found, rows classified against production, batch staged");
    return undefined;
  },
  { lifecycle: "step", onFailure },
);
