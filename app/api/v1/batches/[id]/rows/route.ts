import { z } from "zod";
import { batchRows, rowsQueryFromSearch } from "@/ingest/rows";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** GET /api/v1/batches/{id}/rows?limit=&cursor=&sort=&order=&filter[col]= — staged rows in source order. */
export const GET = restRoute<"analyst", { id: string }>("analyst", async ({ req, params, actor }) =>
  batchRows(
    z.uuid("not a batch id").parse(params.id),
    rowsQueryFromSearch(new URL(req.url).searchParams),
    actor.role,
  ),
);
