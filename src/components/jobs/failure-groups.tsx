"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterInputs } from "@trpc/server";
import { useState } from "react";
import { formatCount, plural } from "@/format";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "@/trpc/react";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { DateTime } from "../ui/date-time";

type Filter = inferRouterInputs<AppRouter>["jobs"]["failureGroups"];

/**
 * Failed jobs grouped by error fingerprint: one line per distinct cause with its count and when it
 * was first and last seen, and "retry all" per group (operators) or for everything failed that
 * matches the page's filter.
 */
export function FailureGroups({ filter, canRetry }: { filter: Filter; canRetry: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const groups = useQuery(trpc.jobs.failureGroups.queryOptions(filter));
  const [confirm, setConfirm] = useState<{ fingerprint?: string; count: number; label: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const retryAll = useMutation(
    trpc.jobs.retryAll.mutationOptions({
      onSuccess: (r) => {
        setConfirm(null);
        setDone(`Retried ${plural(r.retried, "job")}${r.more ? "; more remain, run it again" : ""}.`);
        void queryClient.invalidateQueries({ queryKey: trpc.jobs.pathKey() });
      },
    }),
  );
  const rows = groups.data ?? [];
  if (groups.isPending || (rows.length === 0 && !done)) return null;
  const total = rows.reduce((n, g) => n + g.count, 0);

  return (
    <section
      aria-labelledby="failure-groups-title"
      className="rounded-lg border border-red-200 bg-white"
      data-testid="failure-groups"
    >
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-red-100 px-4 py-2.5">
        <div>
          <h2 id="failure-groups-title" className="text-sm font-semibold text-slate-800">
            Failed for good, by cause
          </h2>
          <p className="text-xs text-slate-500">
            {plural(total, "job")} in {plural(rows.length, "group")}; numbers, ids and quoted values are taken
            out of messages so one cause is one line.
          </p>
        </div>
        <div className="flex items-center gap-3">
          {done && (
            <span role="status" className="text-xs text-emerald-700">
              {done}
            </span>
          )}
          {canRetry && total > 0 && (
            <Button
              size="sm"
              onClick={() => setConfirm({ count: total, label: "every failed job matching these filters" })}
            >
              Retry all failed matching the filter
            </Button>
          )}
        </div>
      </div>
      <table aria-label="Failure groups" className="w-full text-sm">
        <thead>
          <tr className="text-left text-xs uppercase tracking-wide text-slate-500">
            <th scope="col" className="px-4 py-1.5 font-semibold">
              Error
            </th>
            <th scope="col" className="px-3 py-1.5 text-right font-semibold">
              Jobs
            </th>
            <th scope="col" className="px-3 py-1.5 font-semibold">
              First seen
            </th>
            <th scope="col" className="px-3 py-1.5 font-semibold">
              Last seen
            </th>
            {canRetry && (
              <th scope="col" className="sr-only">
                Actions
              </th>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((g) => (
            <tr key={g.fingerprint ?? "none"}>
              <td className="max-w-xl px-4 py-2">
                <p className="truncate font-mono text-xs text-red-800" title={g.example ?? ""}>
                  {g.fingerprint ?? "(no message)"}
                </p>
                <p className="truncate text-xs text-slate-500" title={g.example ?? ""}>
                  e.g. {g.example ?? "—"}
                  {g.task ? ` · ${g.task}` : ""}
                </p>
              </td>
              <td className="px-3 py-2 text-right font-semibold tabular-nums text-red-700">
                {formatCount(g.count)}
              </td>
              <td className="px-3 py-2 text-xs text-slate-600">
                <DateTime value={g.firstSeen} format="ago" />
              </td>
              <td className="px-3 py-2 text-xs text-slate-600">
                <DateTime value={g.lastSeen} format="ago" />
              </td>
              {canRetry && (
                <td className="px-3 py-2 text-right">
                  <Button
                    size="sm"
                    variant="primary"
                    onClick={() =>
                      setConfirm({
                        fingerprint: g.fingerprint ?? "",
                        count: g.count,
                        label: `the ${plural(g.count, "job")} failing with “${g.fingerprint ?? "no message"}”`,
                      })
                    }
                  >
                    Retry all
                  </Button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <ConfirmDialog
        open={confirm !== null}
        title={`Retry ${confirm ? plural(confirm.count, "job") : ""}?`}
        confirmLabel="Retry all"
        pending={retryAll.isPending}
        error={retryAll.error?.message ?? null}
        onConfirm={() => confirm && retryAll.mutate({ ...filter, fingerprint: confirm.fingerprint })}
        onCancel={() => setConfirm(null)}
      >
        This queues {confirm?.label} again from the start, at their priorities.
      </ConfirmDialog>
    </section>
  );
}
