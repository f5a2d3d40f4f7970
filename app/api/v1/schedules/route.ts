import { listSchedules } from "@/schedules/schedules";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** GET /api/v1/schedules — every schedule: cron (and in words), next and last run, chain with outcomes. */
export const GET = restRoute("operator", async () => ({ schedules: await listSchedules() }));
