"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import cronstrue from "cronstrue";
import { useState } from "react";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { DatasetOptions } from "../datasets/dataset-options";
import { Button } from "../ui/button";
import { Field, Input, Select } from "../ui/field";
import { Notice } from "../ui/notice";
import { Panel } from "../ui/panel";

type Schedule = RouterOutputs["schedules"]["list"][number];

function cronInWords(cron: string): string | null {
  try {
    return `${cronstrue.toString(cron, { use24HourTimeFormat: true })} (UTC)`;
  } catch {
    return null;
  }
}

/**
 * Creates a pull source (admin), or edits one: the URL, its schedule, the timeout, and whether a
 * loaded batch goes on to production (only for datasets whose definition allows it).
 */
export function PullSourceForm({
  existing,
  onDone,
}: {
  existing?: Schedule;
  onDone: (created?: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const datasets = useQuery(trpc.datasets.list.queryOptions());
  const [name, setName] = useState(existing?.name ?? "");
  const [url, setUrl] = useState(existing?.pullSource?.url ?? "");
  const [dataset, setDataset] = useState(existing?.pullSource?.dataset ?? "");
  const [cron, setCron] = useState(existing?.cron ?? "0 * * * *");
  const [timeout, setTimeoutSeconds] = useState(String((existing?.pullSource?.timeoutMs ?? 30_000) / 1000));
  const [autoPromote, setAutoPromote] = useState(existing?.pullSource?.autoPromote ?? false);
  const done = async (created?: string) => {
    await queryClient.invalidateQueries({ queryKey: trpc.schedules.pathKey() });
    onDone(created);
  };
  const create = useMutation(
    trpc.schedules.createPullSource.mutationOptions({ onSuccess: (r) => done(r.name) }),
  );
  const update = useMutation(trpc.schedules.updatePullSource.mutationOptions({ onSuccess: () => done() }));
  const pending = create.isPending || update.isPending;
  const error = create.error?.message ?? update.error?.message;
  const chosen = datasets.data?.find((d) => d.name === dataset);
  const canPromote = !!chosen?.definition.promotion?.auto;
  const words = cronInWords(cron);
  const problem = (field: string) => (error?.toLowerCase().startsWith(`${field}:`) ? error : undefined);

  const form = (
    <form
      className="grid gap-4 sm:grid-cols-2"
      aria-label={existing ? `Edit pull source ${existing.name}` : "New pull source"}
      onSubmit={(e) => {
        e.preventDefault();
        const timeoutSeconds = Number(timeout);
        if (existing) update.mutate({ name: existing.name, url, cron, timeoutSeconds, autoPromote });
        else create.mutate({ name, url, dataset, cron, timeoutSeconds, autoPromote });
      }}
    >
      {!existing && (
        <Field label="Name" hint="lower-case letters, digits and dashes, e.g. partner-listings">
          {(p) => (
            <Input
              {...p}
              value={name}
              required
              onChange={(e) => setName(e.target.value)}
              className="font-mono"
            />
          )}
        </Field>
      )}
      {!existing && (
        <Field label="Dataset">
          {(p) => (
            <Select {...p} value={dataset} required onChange={(e) => setDataset(e.target.value)}>
              <option value="">Choose a dataset…</option>
              <DatasetOptions datasets={datasets.data} />
            </Select>
          )}
        </Field>
      )}
      <Field
        label="URL"
        className="sm:col-span-2"
        error={problem("url")}
        hint="http:// or https://, answering a CSV file; fetched by the workers"
      >
        {(p) => (
          <Input
            {...p}
            type="text"
            inputMode="url"
            value={url}
            required
            placeholder="https://example.com/export.csv"
            onChange={(e) => setUrl(e.target.value)}
            className="font-mono"
          />
        )}
      </Field>
      <Field
        label="Schedule (cron, UTC)"
        error={problem("cron")}
        hint={words ?? "minute hour day month weekday"}
      >
        {(p) => (
          <Input
            {...p}
            value={cron}
            required
            onChange={(e) => setCron(e.target.value)}
            className="font-mono"
          />
        )}
      </Field>
      <Field label="Timeout (seconds)" hint="for the whole download">
        {(p) => (
          <Input
            {...p}
            type="number"
            min={1}
            max={600}
            value={timeout}
            onChange={(e) => setTimeoutSeconds(e.target.value)}
          />
        )}
      </Field>
      <label className="flex items-start gap-2 text-sm sm:col-span-2">
        <input
          type="checkbox"
          className="mt-0.5 size-4 accent-teal-700"
          checked={autoPromote}
          disabled={!existing && !canPromote}
          onChange={(e) => setAutoPromote(e.target.checked)}
        />
        <span>
          <span className="font-medium text-slate-700">Promote after loading</span>
          <span className="block text-xs text-slate-500">
            Chain: pull → ingest → promote, when the batch passes its quality gate.{" "}
            {!existing &&
              dataset &&
              !canPromote &&
              "This dataset's definition does not allow automatic promotion."}
          </span>
        </span>
      </label>
      {error && !problem("url") && !problem("cron") && (
        <Notice tone="error" className="sm:col-span-2">
          {error}
        </Notice>
      )}
      <div className="flex gap-2 sm:col-span-2">
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? "Saving…" : existing ? "Save pull source" : "Create pull source"}
        </Button>
        <Button onClick={() => onDone()}>Cancel</Button>
      </div>
    </form>
  );
  if (existing) return form;
  return (
    <Panel
      title="New pull source"
      description="A CSV fetched over HTTP(S) on a schedule and loaded into a dataset exactly like an upload."
    >
      {form}
    </Panel>
  );
}
