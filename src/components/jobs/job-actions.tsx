"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { hasRole, type Role } from "@/auth/roles";
import { PRIORITIES, type Priority } from "@/queue/priorities";
import { useTRPC } from "@/trpc/react";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { Input, Select } from "../ui/field";

/** `datetime-local`'s value for a date, in local time. */
function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * Operator actions on one job: cancel (queued or running), retry (failed or cancelled), change
 * priority (waiting or running) and reschedule (waiting). Shown to operators and admins; the
 * server checks the role again.
 */
export function JobActions({
  id,
  status,
  priority,
  runAt,
}: {
  id: string;
  status: string;
  priority?: string;
  runAt?: string | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.system.whoami.queryOptions());
  const [confirming, setConfirming] = useState(false);
  const [scheduling, setScheduling] = useState(false);
  const [when, setWhen] = useState(() =>
    localInput(runAt ? new Date(runAt) : new Date(Date.now() + 3_600_000)),
  );
  const priorityId = useId();
  const whenId = useId();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.jobs.pathKey() });
  const cancel = useMutation(
    trpc.jobs.cancel.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        void refresh();
      },
    }),
  );
  const retry = useMutation(trpc.jobs.retry.mutationOptions({ onSuccess: () => void refresh() }));
  const reschedule = useMutation(
    trpc.jobs.reschedule.mutationOptions({
      onSuccess: () => {
        setScheduling(false);
        void refresh();
      },
    }),
  );
  const setPriority = useMutation(trpc.jobs.setPriority.mutationOptions({ onSuccess: () => void refresh() }));

  if (!me.data || !hasRole(me.data.role as Role, "operator")) return null;
  const cancellable = status === "queued" || status === "running";
  const retryable = status === "failed" || status === "cancelled";
  if (!cancellable && !retryable) return null;
  const error = retry.error ?? setPriority.error;

  return (
    <div className="flex flex-wrap items-center gap-2">
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error.message}
        </p>
      )}
      {cancellable && priority && (
        <span className="flex items-center gap-1.5">
          <label htmlFor={priorityId} className="text-xs text-slate-500">
            Priority
          </label>
          <Select
            id={priorityId}
            size="sm"
            value={priority}
            disabled={setPriority.isPending}
            onChange={(e) => setPriority.mutate({ id, priority: e.target.value as Priority })}
          >
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </Select>
        </span>
      )}
      {status === "queued" && (
        <Button size="sm" onClick={() => setScheduling(true)}>
          Reschedule
        </Button>
      )}
      {status === "queued" && (
        <Button size="sm" onClick={() => reschedule.mutate({ id, runAt: new Date() })}>
          Run now
        </Button>
      )}
      {cancellable && (
        <Button variant="danger" size="sm" onClick={() => setConfirming(true)}>
          Cancel job
        </Button>
      )}
      {retryable && (
        <Button variant="primary" size="sm" disabled={retry.isPending} onClick={() => retry.mutate({ id })}>
          {retry.isPending ? "Retrying…" : "Retry job"}
        </Button>
      )}
      <ConfirmDialog
        open={confirming}
        title="Cancel this job?"
        confirmLabel="Cancel job"
        pending={cancel.isPending}
        error={cancel.error?.message ?? null}
        onConfirm={() => cancel.mutate({ id })}
        onCancel={() => setConfirming(false)}
      >
        Waiting work is removed now; a running load stops at its next chunk, and nothing it staged is kept.
        You can retry it afterwards.
      </ConfirmDialog>
      <ConfirmDialog
        open={scheduling}
        title="Reschedule this job"
        confirmLabel="Reschedule"
        pending={reschedule.isPending}
        error={reschedule.error?.message ?? null}
        onConfirm={() => reschedule.mutate({ id, runAt: new Date(when) })}
        onCancel={() => setScheduling(false)}
      >
        <label htmlFor={whenId} className="block text-sm text-slate-600">
          Run it at (your local time)
        </label>
        <Input
          id={whenId}
          type="datetime-local"
          value={when}
          onChange={(e) => setWhen(e.target.value)}
          className="mt-1"
        />
      </ConfirmDialog>
    </div>
  );
}
