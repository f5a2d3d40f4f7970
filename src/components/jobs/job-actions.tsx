"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { hasRole, type Role } from "@/auth/roles";
import { useTRPC } from "@/trpc/react";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";

/**
 * Operator actions on one job: cancel (queued or running) and retry (failed or cancelled). Shown to
 * operators and admins; the server checks the role again.
 */
export function JobActions({ id, status }: { id: string; status: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.system.whoami.queryOptions());
  const [confirming, setConfirming] = useState(false);
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

  if (!me.data || !hasRole(me.data.role as Role, "operator")) return null;
  const cancellable = status === "queued" || status === "running";
  const retryable = status === "failed" || status === "cancelled";
  if (!cancellable && !retryable) return null;

  return (
    <div className="flex items-center gap-2">
      {retry.error && (
        <p role="alert" className="text-sm text-red-700">
          {retry.error.message}
        </p>
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
    </div>
  );
}
