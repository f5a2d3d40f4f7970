import { z } from "zod";
import { revertPromotion } from "@/promotion/promote";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** POST /api/v1/promotions/{id}/revert — restores production as it was before; 409 if later promotions build on it. */
export const POST = restRoute<"admin", { id: string }>("admin", async ({ params, actor }) =>
  revertPromotion(z.uuid("not a promotion id").parse(params.id), actor),
);
