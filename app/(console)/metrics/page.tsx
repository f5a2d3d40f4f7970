import type { Metadata } from "next";
import { hasRole } from "@/auth/roles";
import { AccessDenied } from "@/components/access-denied";
import { MetricCharts } from "@/components/charts/metric-charts";
import { HealthCards } from "@/components/metrics/health-cards";
import { PageHeader } from "@/components/ui/page-header";
import { pageActor } from "@/server/page-actor";

export const metadata: Metadata = { title: "Metrics" };

export default async function MetricsPage() {
  const actor = await pageActor();
  if (!hasRole(actor.role, "operator")) return <AccessDenied needed="operator" actual={actor.role} />;
  return (
    <div className="max-w-6xl space-y-6">
      <PageHeader
        title="Metrics"
        description="Sampled every minute by the workers; rolled up hourly. Prometheus can scrape the same numbers at /api/metrics."
      />
      <HealthCards showAlerts />
      <MetricCharts />
    </div>
  );
}
