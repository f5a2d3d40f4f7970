import { z } from "zod";
import { batchLineage } from "@/promotion/lineage";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** GET /api/v1/batches/{id}/lineage — upload → job → batch → quality report → promotions → production. */
export const GET = restRoute<"analyst", { id: string }>("analyst", async ({ params }) =>
  batchLineage(z.uuid("not a batch id").parse(params.id)),
);
