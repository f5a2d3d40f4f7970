"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { useTRPC } from "@/trpc/react";
import { LiveHealth } from "./live-health";
import { HealthCardsView } from "./metrics/health-cards";
import { LiveQueue } from "./queue/live-queue";

/**
 * The Overview's live panels, all fed by one server stream (`system.overviewLive`): health, the
 * health-at-a-glance cards and, for operators, the queue and worker fleet. One SSE connection for
 * the page; each message is whole, so a reconnect is current with its first message.
 */
export function OverviewLive({ isOperator }: { isOperator: boolean }) {
  const trpc = useTRPC();
  const sub = useSubscription(trpc.system.overviewLive.subscriptionOptions());
  const d = sub.data?.data;
  const connection =
    sub.status === "pending" ? "live" : sub.status === "connecting" ? "connecting" : sub.status;
  return (
    <>
      <LiveHealth health={d?.health} connection={connection} />
      <HealthCardsView s={d?.summary} showAlerts={isOperator} />
      {isOperator && <LiveQueue o={d?.queue ?? undefined} />}
    </>
  );
}
