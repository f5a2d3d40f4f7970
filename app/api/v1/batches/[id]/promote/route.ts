import { z } from "zod";
import { promoteBatch, promoteInputSchema } from "@/promotion/promote";
import { AppError } from "@/server/errors";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/batches/{id}/promote [body {"overrideReason":"…"}] — 200 {"promotionId","inserted",
 * "updated","unchanged"[,"deleted"]}; 409 if already promoted or the batch fails its quality gate
 * (an admin may override with a written reason).
 */
export const POST = restRoute<"admin", { id: string }>("admin", async ({ req, params, actor }) => {
  const batchId = z.uuid("not a batch id").parse(params.id);
  const text = await req.text();
  let raw: unknown = {};
  try {
    if (text.trim()) raw = JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", 'The body must be JSON, e.g. {"overrideReason":"…"}, or empty');
  }
  const body = promoteInputSchema.parse(raw);
  return promoteBatch(batchId, actor, { overrideReason: body.overrideReason });
});
