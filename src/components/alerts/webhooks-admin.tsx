"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { EmptyState } from "../ui/empty-state";
import { Field, Input, Select } from "../ui/field";
import { Notice } from "../ui/notice";
import { type Column, DataTable, Truncate } from "../ui/table";

type Webhook = RouterOutputs["alerts"]["webhooks"][number];

/** Admins: where alerts are POSTed (generic JSON or Slack's {"text": …}). */
export function WebhooksAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const hooks = useQuery(trpc.alerts.webhooks.queryOptions());
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [format, setFormat] = useState<"json" | "slack">("json");
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.alerts.webhooks.queryKey() });
  const save = useMutation(
    trpc.alerts.saveWebhook.mutationOptions({
      onSuccess: async (_d, vars) => {
        if (!vars.id) {
          setName("");
          setUrl("");
        }
        await refresh();
      },
      onError: (e) => setError(e.message),
    }),
  );
  const remove = useMutation(
    trpc.alerts.deleteWebhook.mutationOptions({ onSuccess: refresh, onError: (e) => setError(e.message) }),
  );

  const columns: Column<Webhook>[] = [
    { header: "Name", cell: (w) => <span className="font-medium text-slate-900">{w.name}</span> },
    { header: "URL", grow: true, cell: (w) => <Truncate className="font-mono text-xs">{w.url}</Truncate> },
    { header: "Format", cell: (w) => (w.format === "slack" ? "Slack" : "JSON") },
    { header: "State", cell: (w) => (w.enabled ? <Badge tone="good">on</Badge> : <Badge>off</Badge>) },
    {
      header: "Actions",
      srOnlyHeader: true,
      cell: (w) => (
        <div className="flex justify-end gap-1.5">
          <Button
            size="sm"
            aria-label={`${w.enabled ? "Disable" : "Enable"} webhook ${w.name}`}
            onClick={() =>
              save.mutate({
                id: w.id,
                webhook: { name: w.name, url: w.url, format: w.format, enabled: !w.enabled },
              })
            }
          >
            {w.enabled ? "Disable" : "Enable"}
          </Button>
          <Button
            size="sm"
            variant="danger-outline"
            aria-label={`Delete webhook ${w.name}`}
            onClick={() => remove.mutate({ id: w.id })}
          >
            Delete
          </Button>
        </div>
      ),
    },
  ];

  return (
    <section aria-labelledby="webhooks-title" className="space-y-2">
      <h2 id="webhooks-title" className="text-sm font-semibold text-slate-800">
        Webhooks
      </h2>
      <form
        aria-label="New webhook"
        className="grid items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-[1fr_2fr_10rem_auto]"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          save.mutate({ id: null, webhook: { name, url, format, enabled: true } });
        }}
      >
        <Field label="Webhook name">
          {(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} required />}
        </Field>
        <Field label="URL">
          {(p) => (
            <Input
              {...p}
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder="https://hooks.slack.com/…"
              required
            />
          )}
        </Field>
        <Field label="Format">
          {(p) => (
            <Select {...p} value={format} onChange={(e) => setFormat(e.target.value as "json" | "slack")}>
              <option value="json">Generic JSON</option>
              <option value="slack">Slack text</option>
            </Select>
          )}
        </Field>
        <Button type="submit" variant="primary" disabled={save.isPending}>
          Add webhook
        </Button>
      </form>
      {error && <Notice tone="error">{error}</Notice>}
      <DataTable<Webhook>
        label="Webhooks"
        rows={hooks.data}
        loading={hooks.isLoading}
        error={hooks.error?.message}
        rowKey={(w) => w.id}
        columns={columns}
        empty={
          <EmptyState title="No webhooks">
            Alerts show in the console only until a webhook is added.
          </EmptyState>
        }
      />
    </section>
  );
}
