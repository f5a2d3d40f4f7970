"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { ConfirmDialog } from "../ui/confirm-dialog";
import { DateTime } from "../ui/date-time";
import { EmptyState } from "../ui/empty-state";
import { Field, Input, Select } from "../ui/field";
import { Notice } from "../ui/notice";
import { type Column, DataTable, Truncate } from "../ui/table";

type Rule = RouterOutputs["alerts"]["rules"][number];
type Kind = Rule["kind"];

interface ParamField {
  key: string;
  label: string;
  hint?: string;
  /** number (default), text, or a choice. */
  type?: "number" | "text" | "select";
  options?: { value: string; label: string }[];
  initial: string;
}

const KINDS: { kind: Kind; label: string; fields: ParamField[] }[] = [
  {
    kind: "queue_depth",
    label: "Queue depth above N for M minutes",
    fields: [
      { key: "threshold", label: "More than (jobs)", initial: "100" },
      { key: "forMinutes", label: "For (minutes)", hint: "0 fires at once", initial: "5" },
      {
        key: "priority",
        label: "Priority",
        type: "select",
        initial: "",
        options: [
          { value: "", label: "any" },
          { value: "emergency", label: "emergency" },
          { value: "high", label: "high" },
          { value: "standard", label: "standard" },
          { value: "background", label: "background" },
        ],
      },
      {
        key: "states",
        label: "Counting",
        type: "select",
        initial: "waiting",
        options: [
          { value: "waiting", label: "waiting" },
          { value: "waiting,retrying", label: "waiting and retrying" },
          { value: "waiting,scheduled,running,retrying", label: "everything not finished" },
        ],
      },
    ],
  },
  {
    kind: "failure_rate",
    label: "Failure rate above X % over a window",
    fields: [
      { key: "percent", label: "Above (%)", initial: "10" },
      { key: "windowMinutes", label: "Window (minutes)", initial: "15" },
      {
        key: "minJobs",
        label: "At least (jobs finished)",
        hint: "so two jobs do not make a rate",
        initial: "5",
      },
    ],
  },
  {
    kind: "long_running",
    label: "A job running longer than T",
    fields: [{ key: "minutes", label: "Longer than (minutes)", initial: "60" }],
  },
  {
    kind: "no_worker",
    label: "No worker alive",
    fields: [{ key: "forMinutes", label: "For (minutes)", initial: "1" }],
  },
  {
    kind: "quality_below",
    label: "Batch quality below the dataset's threshold",
    fields: [{ key: "dataset", label: "Dataset", type: "text", hint: "empty: any dataset", initial: "" }],
  },
  {
    kind: "backup_missed",
    label: "A scheduled backup missed",
    fields: [{ key: "maxAgeHours", label: "No successful backup for (hours)", initial: "26" }],
  },
];

const kindInfo = (k: Kind) => KINDS.find((x) => x.kind === k)!;

/** Form values (strings) → the rule's params. Empty optional fields are left out. */
function toParams(kind: Kind, values: Record<string, string>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const f of kindInfo(kind).fields) {
    const v = values[f.key] ?? f.initial;
    if (v === "") continue;
    if (f.key === "states") params.states = v.split(",");
    else params[f.key] = f.type === "text" || f.type === "select" ? v : Number(v);
  }
  return params;
}

function fromParams(kind: Kind, params: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const f of kindInfo(kind).fields) {
    const v = params[f.key];
    values[f.key] = v === undefined ? f.initial : Array.isArray(v) ? v.join(",") : String(v);
  }
  return values;
}

function RuleForm({ editing, onDone }: { editing: Rule | null; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState(editing?.name ?? "");
  const [kind, setKind] = useState<Kind>(editing?.kind ?? "queue_depth");
  const [values, setValues] = useState<Record<string, string>>(
    editing ? fromParams(editing.kind, editing.params) : fromParams("queue_depth", {}),
  );
  const [error, setError] = useState<string | null>(null);
  const done = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.alerts.rules.queryKey() });
    onDone();
  };
  const create = useMutation(
    trpc.alerts.createRule.mutationOptions({ onSuccess: done, onError: (e) => setError(e.message) }),
  );
  const update = useMutation(
    trpc.alerts.updateRule.mutationOptions({ onSuccess: done, onError: (e) => setError(e.message) }),
  );
  const pending = create.isPending || update.isPending;

  return (
    <form
      aria-label={editing ? `Edit rule ${editing.name}` : "New alert rule"}
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        const rule = { name, kind, params: toParams(kind, values), enabled: editing?.enabled ?? true };
        if (editing) update.mutate({ id: editing.id, rule });
        else create.mutate(rule);
      }}
    >
      <div className="grid gap-3 md:grid-cols-2">
        <Field label="Name">
          {(p) => (
            <Input
              {...p}
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="Deep standard queue"
              required
            />
          )}
        </Field>
        <Field label="When">
          {(p) => (
            <Select
              {...p}
              value={kind}
              onChange={(e) => {
                const k = e.target.value as Kind;
                setKind(k);
                setValues(fromParams(k, {}));
              }}
            >
              {KINDS.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </div>
      <div className="grid gap-3 md:grid-cols-4">
        {kindInfo(kind).fields.map((f) => (
          <Field key={`${kind}-${f.key}`} label={f.label} hint={f.hint}>
            {(p) =>
              f.type === "select" ? (
                <Select
                  {...p}
                  value={values[f.key] ?? f.initial}
                  onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
                >
                  {f.options!.map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </Select>
              ) : (
                <Input
                  {...p}
                  type={f.type === "text" ? "text" : "number"}
                  step="any"
                  value={values[f.key] ?? f.initial}
                  onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
                />
              )
            }
          </Field>
        ))}
      </div>
      {error && <Notice tone="error">{error}</Notice>}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={pending}>
          {editing ? "Save rule" : "Create rule"}
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}

/** The alert rules: everyone who sees alerts reads them; admins create, edit, switch off and delete. */
export function RulesAdmin({ isAdmin }: { isAdmin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rules = useQuery(trpc.alerts.rules.queryOptions());
  const [form, setForm] = useState<{ editing: Rule | null } | null>(null);
  const [toDelete, setToDelete] = useState<Rule | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.alerts.rules.queryKey() });
  const toggle = useMutation(
    trpc.alerts.updateRule.mutationOptions({ onSuccess: refresh, onError: (e) => setError(e.message) }),
  );
  const remove = useMutation(
    trpc.alerts.deleteRule.mutationOptions({
      onSuccess: async () => {
        setToDelete(null);
        await refresh();
      },
    }),
  );

  const columns: Column<Rule>[] = [
    {
      header: "Rule",
      grow: true,
      cell: (r) => (
        <div className="min-w-0">
          <Truncate className="font-medium text-slate-900">{r.name}</Truncate>
          <Truncate className="text-xs text-slate-500">{r.condition}</Truncate>
        </div>
      ),
    },
    {
      header: "Now",
      cell: (r) =>
        !r.enabled ? (
          <Badge>off</Badge>
        ) : r.open ? (
          <Badge tone="bad">firing</Badge>
        ) : r.pendingSince ? (
          <Badge tone="warn">pending</Badge>
        ) : (
          <Badge tone="good">ok</Badge>
        ),
    },
    {
      header: "Checked",
      cell: (r) => <DateTime value={r.lastEvaluatedAt} format="ago" fallback="not yet" />,
    },
  ];
  if (isAdmin) {
    columns.push({
      header: "Actions",
      srOnlyHeader: true,
      cell: (r) => (
        <div className="flex justify-end gap-1.5">
          <Button size="sm" onClick={() => setForm({ editing: r })} aria-label={`Edit ${r.name}`}>
            Edit
          </Button>
          <Button
            size="sm"
            aria-label={`${r.enabled ? "Disable" : "Enable"} ${r.name}`}
            onClick={() =>
              toggle.mutate({
                id: r.id,
                rule: { name: r.name, kind: r.kind, params: r.params, enabled: !r.enabled },
              })
            }
          >
            {r.enabled ? "Disable" : "Enable"}
          </Button>
          <Button
            size="sm"
            variant="danger-outline"
            onClick={() => setToDelete(r)}
            aria-label={`Delete ${r.name}`}
          >
            Delete
          </Button>
        </div>
      ),
    });
  }

  return (
    <section aria-labelledby="rules-title" className="space-y-2">
      <div className="flex items-end justify-between">
        <h2 id="rules-title" className="text-sm font-semibold text-slate-800">
          Rules
        </h2>
        {isAdmin && !form && (
          <Button size="sm" variant="primary" onClick={() => setForm({ editing: null })}>
            New rule
          </Button>
        )}
      </div>
      {form && (
        <RuleForm key={form.editing?.id ?? "new"} editing={form.editing} onDone={() => setForm(null)} />
      )}
      {error && <Notice tone="error">{error}</Notice>}
      <DataTable<Rule>
        label="Alert rules"
        rows={rules.data}
        loading={rules.isLoading}
        error={rules.error?.message}
        rowKey={(r) => r.id}
        columns={columns}
        empty={
          <EmptyState title="No rules yet">
            {isAdmin
              ? "Create one: e.g. waiting jobs above 1,000 for 10 minutes."
              : "An admin creates the rules."}
          </EmptyState>
        }
      />
      <ConfirmDialog
        open={toDelete !== null}
        title={`Delete rule ${toDelete?.name ?? ""}?`}
        confirmLabel="Delete rule"
        pending={remove.isPending}
        error={remove.error?.message}
        onConfirm={() => toDelete && remove.mutate({ id: toDelete.id })}
        onCancel={() => setToDelete(null)}
      >
        Its alert history goes with it. To stop it firing but keep the history, disable it instead.
      </ConfirmDialog>
    </section>
  );
}
