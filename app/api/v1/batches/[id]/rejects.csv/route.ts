import { z } from "zod";
import { rejectsCsv } from "@/ingest/rejects";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** GET /api/v1/batches/{id}/rejects.csv — rejected rows with their reasons, streamed. */
export const GET = restRoute<"analyst", { id: string }>("analyst", async ({ params, actor }) => {
  const { fileName, body } = await rejectsCsv(z.uuid("not a batch id").parse(params.id), actor.role);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${fileName.replace(/[^\w.-]/g, "_")}"`,
    },
  });
});
