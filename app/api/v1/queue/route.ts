import { queueOverview } from "@/queue/overview";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** GET /api/v1/queue — depth by priority, task and state; the oldest waiting job's age; workers. */
export const GET = restRoute("operator", async () => queueOverview());
