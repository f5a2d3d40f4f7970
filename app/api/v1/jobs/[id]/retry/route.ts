import { z } from "zod";
import { retryJob } from "@/queue/actions";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** POST /api/v1/jobs/{id}/retry — a failed or cancelled job runs again from the start; 409 otherwise. */
export const POST = restRoute<"operator", { id: string }>("operator", async ({ params, actor }) =>
  retryJob(z.uuid("not a job id").parse(params.id), actor),
);
