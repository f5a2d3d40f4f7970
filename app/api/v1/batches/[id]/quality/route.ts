import { z } from "zod";
import { qualityReport } from "@/quality/report";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** GET /api/v1/batches/{id}/quality — the stored report: scores (with how), profiles, violations, gate. */
export const GET = restRoute<"analyst", { id: string }>("analyst", async ({ params, actor }) =>
  qualityReport(z.uuid("not a batch id").parse(params.id), actor.role),
);
