"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { DateTime } from "../ui/date-time";
import { EmptyState } from "../ui/empty-state";
import { PageHeader } from "../ui/page-header";
import { type Column, DataTable, Truncate } from "../ui/table";

type AuditEvent = RouterOutputs["audit"]["list"]["events"][number];

const PAGE_SIZE = 50;

/** One line of JSON, or nothing for empty details. */
function compactJson(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "object" && Object.keys(value).length === 0) return null;
  return JSON.stringify(value);
}

const columns: Column<AuditEvent>[] = [
  {
    header: "Time",
    cell: (e) => <DateTime value={e.at} format="seconds" />,
  },
  {
    header: "Actor",
    cell: (e) => <Truncate className="max-w-40 text-slate-900">{e.actor}</Truncate>,
  },
  {
    header: "Action",
    cell: (e) => (
      <span className="whitespace-nowrap font-mono text-xs">
        <Badge tone={/revoke|disable|delete|restore|revert/.test(e.action) ? "warn" : "neutral"}>
          {e.action}
        </Badge>
      </span>
    ),
  },
  {
    header: "Target",
    cell: (e) =>
      e.targetType ? (
        <Truncate className="max-w-40" title={`${e.targetType} ${e.targetId ?? ""}`}>
          <span className="text-slate-700">{e.targetType}</span>{" "}
          <span className="font-mono text-xs text-slate-500">{e.targetId}</span>
        </Truncate>
      ) : (
        <span className="text-slate-400">—</span>
      ),
  },
  {
    header: "IP",
    cell: (e) =>
      e.ip ? (
        <span className="whitespace-nowrap font-mono text-xs">{e.ip}</span>
      ) : (
        <span className="text-slate-400">—</span>
      ),
  },
  {
    header: "Details",
    grow: true,
    cell: (e) => <DetailsCell details={e.details} />,
  },
];

/** Details as one line of JSON; click to unfold it in place. */
function DetailsCell({ details }: { details: unknown }) {
  const [open, setOpen] = useState(false);
  const json = compactJson(details);
  if (!json) return <span className="text-slate-400">—</span>;
  return (
    <button
      type="button"
      aria-expanded={open}
      title={open ? "Fold" : "Show all details"}
      onClick={() => setOpen(!open)}
      className="block w-full cursor-pointer rounded text-left outline-none hover:text-slate-900 focus-visible:ring-2 focus-visible:ring-teal-600/30"
    >
      <code
        className={`block font-mono text-xs text-slate-600 ${open ? "whitespace-pre-wrap break-all" : "truncate"}`}
      >
        {open ? JSON.stringify(details, null, 2) : json}
      </code>
    </button>
  );
}

/** Audit: every change, newest first, paged by the id cursor the server returns. */
export function AuditLog() {
  const trpc = useTRPC();
  const audit = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { limit: PAGE_SIZE },
      { getNextPageParam: (last) => last.nextCursor },
    ),
  );
  const events = audit.data?.pages.flatMap((p) => p.events);

  return (
    <div className="max-w-6xl space-y-4">
      <PageHeader
        title="Audit log"
        description="Who did what to what, when and from where. Append-only; newest first."
        actions={
          <Button size="sm" onClick={() => audit.refetch()} disabled={audit.isFetching}>
            {audit.isRefetching && !audit.isFetchingNextPage ? "Refreshing…" : "Refresh"}
          </Button>
        }
      />
      <DataTable
        label="Audit events"
        columns={columns}
        rows={events}
        rowKey={(e) => e.id}
        loading={audit.isPending}
        error={audit.error?.message}
        rowClassName={() => "text-slate-600"}
        empty={
          <EmptyState title="No audit events yet">
            Changes to users, keys, datasets and data show up here.
          </EmptyState>
        }
      />
      {events && events.length > 0 && (
        <div className="flex items-center justify-between text-xs text-slate-500">
          <span>
            Showing {events.length} {events.length === 1 ? "event" : "events"}
            {!audit.hasNextPage && " · the start of the log"}
          </span>
          {audit.hasNextPage && (
            <Button onClick={() => audit.fetchNextPage()} disabled={audit.isFetchingNextPage}>
              {audit.isFetchingNextPage ? "Loading…" : "Load more"}
            </Button>
          )}
        </div>
      )}
    </div>
  );
}
