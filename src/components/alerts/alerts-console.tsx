"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useState } from "react";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { DateTime } from "../ui/date-time";
import { EmptyState } from "../ui/empty-state";
import { Notice } from "../ui/notice";
import { PageHeader } from "../ui/page-header";
import { type Column, DataTable, Truncate } from "../ui/table";
import { Tabs } from "../ui/tabs";
import { RulesAdmin } from "./rules-admin";
import { WebhooksAdmin } from "./webhooks-admin";

type Alert = RouterOutputs["alerts"]["list"][number];
type Delivery = RouterOutputs["alerts"]["deliveries"][number];

/** Alerts: what is firing (acknowledge), history, the rules, the webhooks and their delivery log. */
export function AlertsConsole({ isAdmin }: { isAdmin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [tab, setTab] = useState<"open" | "all">("open");
  const alerts = useQuery(trpc.alerts.list.queryOptions({ state: tab }));
  const deliveries = useQuery(trpc.alerts.deliveries.queryOptions());
  const [error, setError] = useState<string | null>(null);
  const [evaluated, setEvaluated] = useState<string | null>(null);

  // Any alert event (fired, resolved, acknowledged anywhere) refreshes the lists.
  const live = useSubscription(trpc.alerts.countsLive.subscriptionOptions());
  useEffect(() => {
    if (!live.data) return;
    void queryClient.invalidateQueries({ queryKey: trpc.alerts.list.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.alerts.deliveries.queryKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.alerts.rules.queryKey() });
  }, [live.data, queryClient, trpc]);
  // Deliveries move on their own (retries); poll the log while any is pending.
  const pending = deliveries.data?.some((d) => d.status === "pending");
  useEffect(() => {
    if (!pending) return;
    const t = setInterval(
      () => queryClient.invalidateQueries({ queryKey: trpc.alerts.deliveries.queryKey() }),
      2_000,
    );
    return () => clearInterval(t);
  }, [pending, queryClient, trpc]);

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.alerts.list.queryKey() });
  const acknowledge = useMutation(
    trpc.alerts.acknowledge.mutationOptions({
      onSuccess: refresh,
      onError: (e) => setError(`Could not acknowledge: ${e.message}`),
    }),
  );
  const evaluate = useMutation(
    trpc.alerts.evaluateNow.mutationOptions({
      onSuccess: async (r) => {
        setEvaluated(
          r.ran
            ? `Evaluated: ${r.fired.length} fired, ${r.resolved.length} resolved.`
            : "Another evaluation is running; try again in a moment.",
        );
        await refresh();
      },
      onError: (e) => setError(`Could not evaluate: ${e.message}`),
    }),
  );

  const columns: Column<Alert>[] = [
    {
      header: "State",
      cell: (a) =>
        a.resolvedAt ? (
          <Badge tone="good">resolved</Badge>
        ) : a.acknowledgedAt ? (
          <Badge tone="warn">acknowledged</Badge>
        ) : (
          <Badge tone="bad">firing</Badge>
        ),
    },
    {
      header: "Alert",
      grow: true,
      cell: (a) => (
        <div className="min-w-0">
          <Truncate className="font-medium text-slate-900">{a.rule}</Truncate>
          <Truncate className="text-xs text-slate-500">{a.summary}</Truncate>
        </div>
      ),
    },
    { header: "Fired", cell: (a) => <DateTime value={a.firedAt} format="ago" /> },
    {
      header: "Resolved",
      cell: (a) => <DateTime value={a.resolvedAt} format="ago" fallback={a.resolvedAt ? "" : "open"} />,
    },
    {
      header: "Acknowledged",
      cell: (a) =>
        a.acknowledgedAt ? (
          <span className="text-xs text-slate-600" title={new Date(a.acknowledgedAt).toLocaleString()}>
            {a.acknowledgedBy}
          </span>
        ) : a.resolvedAt ? (
          <span className="text-slate-400">—</span>
        ) : (
          <Button
            size="sm"
            onClick={() => {
              setError(null);
              acknowledge.mutate({ id: a.id });
            }}
            disabled={acknowledge.isPending && acknowledge.variables?.id === a.id}
            aria-label={`Acknowledge ${a.rule}`}
          >
            Acknowledge
          </Button>
        ),
    },
  ];

  const deliveryColumns: Column<Delivery>[] = [
    {
      header: "Status",
      cell: (d) => (
        <Badge tone={d.status === "delivered" ? "good" : d.status === "failed" ? "bad" : "warn"}>
          {d.status}
        </Badge>
      ),
    },
    { header: "Webhook", cell: (d) => d.webhook },
    { header: "Event", cell: (d) => `${d.rule} · ${d.event}`, grow: true },
    { header: "Attempts", cell: (d) => d.attempts, className: "text-right tabular-nums" },
    {
      header: "Last answer",
      cell: (d) =>
        d.lastError ? (
          <span className="text-red-700" title={d.lastError}>
            {d.lastError.slice(0, 40)}
          </span>
        ) : d.lastStatusCode ? (
          `HTTP ${d.lastStatusCode}`
        ) : (
          "—"
        ),
    },
    { header: "Queued", cell: (d) => <DateTime value={d.createdAt} format="seconds" /> },
  ];

  return (
    <div className="max-w-6xl space-y-6">
      <PageHeader
        title="Alerts"
        description="Rules are checked every minute; each firing and each resolve is notified once."
        actions={
          <Button onClick={() => evaluate.mutate()} disabled={evaluate.isPending}>
            {evaluate.isPending ? "Evaluating…" : "Evaluate now"}
          </Button>
        }
      />
      {error && <Notice tone="error">{error}</Notice>}
      {evaluated && !error && <Notice tone="success">{evaluated}</Notice>}
      <Tabs
        label="Alerts"
        tabs={[
          { key: "open", label: "Open" },
          { key: "all", label: "History" },
        ]}
        selected={tab}
        onSelect={setTab}
      >
        <DataTable<Alert>
          label={tab === "open" ? "Open alerts" : "All alerts"}
          rows={alerts.data}
          loading={alerts.isLoading}
          error={alerts.error?.message}
          rowKey={(a) => a.id}
          columns={columns}
          empty={
            <EmptyState title={tab === "open" ? "Nothing is firing" : "No alert has fired yet"}>
              {tab === "open" ? "Open alerts appear here the minute a rule's condition holds." : null}
            </EmptyState>
          }
        />
      </Tabs>
      <RulesAdmin isAdmin={isAdmin} />
      {isAdmin && <WebhooksAdmin />}
      <section aria-labelledby="deliveries-title" className="space-y-2">
        <h2 id="deliveries-title" className="text-sm font-semibold text-slate-800">
          Webhook deliveries
        </h2>
        <p className="text-xs text-slate-500">
          The last 50. A failed POST is retried up to 8 times with exponential backoff (3 s, 7 s, 20 s, 55 s,
          …).
        </p>
        <DataTable<Delivery>
          label="Webhook deliveries"
          rows={deliveries.data}
          loading={deliveries.isLoading}
          error={deliveries.error?.message}
          rowKey={(d) => d.id}
          columns={deliveryColumns}
          empty={
            <EmptyState title="Nothing sent yet">
              Notifications appear here as alerts fire and resolve.
            </EmptyState>
          }
        />
      </section>
    </div>
  );
}
