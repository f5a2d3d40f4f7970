import { getHealth } from "@/health/health";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

export const GET = restRoute(null, async () => {
  const health = await getHealth();
  return Response.json(health, { status: health.status === "ok" ? 200 : 503 });
});
