"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef } from "react";
import { useTRPC } from "@/trpc/react";

export type LiveConnection = "live" | "connecting" | "offline";

/**
 * Follows live job events (all jobs, or one) and calls `refresh` when something changed, at most
 * once per `intervalMs`: the first event at once, a burst's last one at the end of the interval.
 * Events carry ids and counters only; the page refetches what it shows. After the server's
 * listener reconnected (events may have been lost) it refreshes too.
 */
export function useLiveJobs(
  input: { jobId?: string },
  refresh: () => void,
  { intervalMs = 1000, enabled = true }: { intervalMs?: number; enabled?: boolean } = {},
): LiveConnection {
  const trpc = useTRPC();
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const started = useRef(false);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const onEvent = (event: { data: { reconnected?: true } | object }) => {
    if ("reconnected" in event.data) {
      last.current = Date.now();
      refreshRef.current();
      return;
    }
    const wait = last.current + intervalMs - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      refreshRef.current();
      return;
    }
    timer.current ??= setTimeout(() => {
      timer.current = null;
      last.current = Date.now();
      refreshRef.current();
    }, wait);
  };

  const sub = useSubscription(
    trpc.jobs.live.subscriptionOptions(input, {
      enabled,
      onData: onEvent,
      // A reconnection may have missed events: read the state again (the first start needs not).
      onStarted: () => {
        if (started.current) refreshRef.current();
        started.current = true;
      },
    }),
  );
  return sub.status === "pending" ? "live" : sub.status === "error" ? "offline" : "connecting";
}

/** A small dot and word saying whether the page is receiving live updates. */
export function LiveIndicator({ connection }: { connection: LiveConnection }) {
  return (
    <span className="flex items-center gap-1.5 text-xs text-slate-500" title="Live updates from the server">
      <span
        aria-hidden
        className={`h-2 w-2 rounded-full ${connection === "live" ? "bg-emerald-500" : connection === "offline" ? "bg-red-500" : "bg-amber-400"}`}
      />
      {connection === "live" ? "Live" : connection === "offline" ? "Offline" : "Connecting…"}
    </span>
  );
}
