import { runScheduleNow } from "@/schedules/schedules";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** POST /api/v1/schedules/{name}/run — fires the schedule now; 202 `{"runId","jobId","status"}`. */
export const POST = restRoute<"operator", { name: string }>("operator", async ({ params, actor }) =>
  Response.json(await runScheduleNow(params.name, actor), { status: 202 }),
);
