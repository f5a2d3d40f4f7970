import { datasetNameSchema } from "@/datasets/registry";
import { datasetHistory } from "@/promotion/history";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** GET /api/v1/datasets/{name}/history — promotions and reverts over time, newest first, with counts. */
export const GET = restRoute<"analyst", { name: string }>("analyst", async ({ params }) =>
  datasetHistory(datasetNameSchema.parse(params.name)),
);
