"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTRPC } from "@/trpc/react";
import { Button } from "../ui/button";
import { Field, Input } from "../ui/field";
import { Panel } from "../ui/panel";

/** Keep the last N daily and M weekly backups; admins change it here; applied by `backup_retention`. */
export function RetentionPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.backups.retention.queryOptions());
  const [daily, setDaily] = useState("");
  const [weekly, setWeekly] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    if (settings.data) {
      setDaily(String(settings.data.keepDaily));
      setWeekly(String(settings.data.keepWeekly));
    }
  }, [settings.data]);
  const save = useMutation(
    trpc.backups.setRetention.mutationOptions({
      onSuccess: () => {
        setMessage("Saved.");
        void queryClient.invalidateQueries({ queryKey: trpc.backups.retention.queryKey() });
      },
      onError: (err) => setMessage(err.message),
    }),
  );
  const apply = useMutation(
    trpc.backups.applyRetention.mutationOptions({
      onSuccess: (r) => {
        setMessage(`Applied: ${r.deleted.length} deleted, ${r.kept} kept.`);
        void queryClient.invalidateQueries({ queryKey: trpc.backups.list.queryKey() });
      },
      onError: (err) => setMessage(err.message),
    }),
  );
  return (
    <Panel
      title="Retention"
      description="Keeps the newest backup of each of the last N days and M weeks (UTC); never the only verified one."
      className="self-start"
    >
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          setMessage(null);
          save.mutate({ keepDaily: Number(daily), keepWeekly: Number(weekly) });
        }}
      >
        <div className="grid grid-cols-2 gap-3">
          <Field label="Daily">
            {(p) => (
              <Input
                {...p}
                type="number"
                min={0}
                max={365}
                value={daily}
                onChange={(e) => setDaily(e.target.value)}
              />
            )}
          </Field>
          <Field label="Weekly">
            {(p) => (
              <Input
                {...p}
                type="number"
                min={0}
                max={520}
                value={weekly}
                onChange={(e) => setWeekly(e.target.value)}
              />
            )}
          </Field>
        </div>
        <div className="flex gap-2">
          <Button type="submit" variant="primary" size="sm" disabled={save.isPending || settings.isLoading}>
            Save
          </Button>
          <Button type="button" size="sm" onClick={() => apply.mutate()} disabled={apply.isPending}>
            Apply now
          </Button>
        </div>
        {message && (
          <p className="text-xs text-slate-600" role="status">
            {message}
          </p>
        )}
        {settings.data?.updatedBy && (
          <p className="text-xs text-slate-400">Last changed by {settings.data.updatedBy}</p>
        )}
      </form>
    </Panel>
  );
}
