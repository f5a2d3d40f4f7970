import { z } from "zod";
import { exportBatch, exportFormatSchema } from "@/publish/export";
import { downloadResponse, restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** GET /api/v1/batches/{id}/export?format=csv|jsonl|parquet — the batch's staged rows, streamed. */
export const GET = restRoute<"analyst", { id: string }>("analyst", async ({ req, params, actor }) => {
  const format = exportFormatSchema.parse(new URL(req.url).searchParams.get("format") ?? "csv");
  return downloadResponse(await exportBatch(z.uuid("not a batch id").parse(params.id), format, actor.role));
});
