import { z } from "zod";
import { cancelJob } from "@/queue/actions";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** POST /api/v1/jobs/{id}/cancel — a queued job is removed, a running one stops at its next chunk; 409 if finished. */
export const POST = restRoute<"operator", { id: string }>("operator", async ({ params, actor }) =>
  cancelJob(z.uuid("not a job id").parse(params.id), actor),
);
