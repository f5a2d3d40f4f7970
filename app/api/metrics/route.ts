import { hasScrapeToken, prometheusMetrics } from "@/metrics/prometheus";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

const scrape = async () => {
  const { contentType, body } = await prometheusMetrics();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
};

const withOperatorKey = restRoute("operator", scrape);

/**
 * GET /api/metrics — Prometheus text format. `Authorization: Bearer <METRICS_SCRAPE_TOKEN>` or an
 * operator (or admin) API key.
 */
export async function GET(req: Request, route: { params: Promise<Record<string, never>> }) {
  if (hasScrapeToken(req.headers)) return scrape();
  return withOperatorKey(req, route);
}
