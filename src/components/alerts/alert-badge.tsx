"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { type RouterOutputs, useTRPC } from "@/trpc/react";

type Counts = RouterOutputs["alerts"]["counts"];

/** The nav's live count of open alerts: red while any is unacknowledged, grey once all are seen. */
export function AlertBadge() {
  const trpc = useTRPC();
  const sub = useSubscription(trpc.alerts.countsLive.subscriptionOptions());
  const c = sub.data?.data as Counts | undefined;
  if (!c || c.open === 0) return null;
  return (
    <span
      data-testid="alert-badge"
      title={`${c.open} open alert${c.open === 1 ? "" : "s"}, ${c.unacknowledged} not acknowledged`}
      className={`min-w-5 rounded-full px-1.5 text-center text-[11px] font-semibold leading-5 tabular-nums ${
        c.unacknowledged > 0 ? "bg-red-600 text-white" : "bg-slate-200 text-slate-700"
      }`}
    >
      <span className="sr-only">open alerts: </span>
      {c.open}
    </span>
  );
}
