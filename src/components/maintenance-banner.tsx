"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";

/** Shown to everyone while an admin has the maintenance switch on. */
export function MaintenanceBanner() {
  const trpc = useTRPC();
  const state = useQuery({ ...trpc.queue.maintenance.queryOptions(), refetchInterval: 3_000, staleTime: 0 });
  if (!state.data?.on) return null;
  return (
    <div
      role="status"
      data-testid="maintenance-banner"
      className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900"
    >
      <strong className="font-semibold">Maintenance:</strong> no new jobs start until an admin switches it off
      (running jobs finish).{state.data.reason ? ` ${state.data.reason}` : ""}
      {state.data.by && <span className="text-amber-700"> · {state.data.by}</span>}
    </div>
  );
}
