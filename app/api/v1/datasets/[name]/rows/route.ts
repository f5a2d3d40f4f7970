import { datasetNameSchema } from "@/datasets/registry";
import { productionRows, rowsQueryFromSearch } from "@/ingest/rows";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** GET /api/v1/datasets/{name}/rows?limit=&cursor=&sort=&order=&filter[col]= — production rows. */
export const GET = restRoute<"analyst", { name: string }>("analyst", async ({ req, params, actor }) =>
  productionRows(
    datasetNameSchema.parse(params.name),
    rowsQueryFromSearch(new URL(req.url).searchParams),
    actor.role,
  ),
);
