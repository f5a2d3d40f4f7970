import { datasetNameSchema } from "@/datasets/registry";
import { exportFormatSchema, exportProduction } from "@/publish/export";
import { downloadResponse, restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** GET /api/v1/datasets/{name}/export?format=csv|jsonl|parquet — production rows, streamed. */
export const GET = restRoute<"analyst", { name: string }>("analyst", async ({ req, params, actor }) => {
  const format = exportFormatSchema.parse(new URL(req.url).searchParams.get("format") ?? "csv");
  return downloadResponse(await exportProduction(datasetNameSchema.parse(params.name), format, actor.role));
});
