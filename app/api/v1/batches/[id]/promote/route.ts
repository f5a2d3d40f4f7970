import { z } from "zod";
import { promoteBatch } from "@/promotion/promote";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** POST /api/v1/batches/{id}/promote — 200 {"promotionId","inserted","updated","unchanged"[,"deleted"]}; 409 if already promoted. */
export const POST = restRoute<"admin", { id: string }>("admin", async ({ params, actor }) =>
  promoteBatch(z.uuid("not a batch id").parse(params.id), actor),
);
