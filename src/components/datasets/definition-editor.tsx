"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { useTRPC } from "@/trpc/react";
import { Button } from "../ui/button";
import { Field, Input, Select } from "../ui/field";
import { Notice } from "../ui/notice";
import { PageHeader } from "../ui/page-header";
import { Tabs } from "../ui/tabs";
import { ColumnEditor, type DraftColumn } from "./column-editor";

/** A definition as the editor holds it: the JSON contract, possibly invalid while being edited. */
interface DraftDefinition {
  name: string;
  title: string;
  description?: string;
  key: string[];
  columns: DraftColumn[];
  quality?: { minScore?: number };
  promotion?: { mode?: string; auto?: boolean };
  [other: string]: unknown;
}

const NEW_DATASET: DraftDefinition = {
  name: "",
  title: "",
  key: ["id"],
  columns: [{ name: "id", type: "integer", required: true }],
  quality: { minScore: 90 },
};

const PREFIX = "Invalid dataset definition: ";

/** The server's message as a list of problems, each naming its field (`columns[3].max: …`). */
function problemsOf(message: string): string[] | null {
  return message.startsWith(PREFIX) ? message.slice(PREFIX.length).split("; ") : null;
}

/** Create (no `name`) or edit a dataset's definition; admins only (the server checks too). */
export function DatasetEditorPage({ name }: { name?: string }) {
  const trpc = useTRPC();
  const existing = useQuery(
    trpc.datasets.get.queryOptions(name ? { name } : { name: "" }, { enabled: !!name }),
  );
  if (name && existing.error) return <Notice tone="error">{existing.error.message}</Notice>;
  if (name && !existing.data) return <p className="text-sm text-slate-400">Loading the definition…</p>;
  return (
    // Not keyed by version: a save refetches the definition, and the editor (with its "saved"
    // message) must stay as it is.
    <DefinitionEditor
      initial={existing.data ? (existing.data.definition as unknown as DraftDefinition) : NEW_DATASET}
      existing={!!name}
      version={existing.data?.version}
    />
  );
}

function DefinitionEditor({
  initial,
  existing,
  version,
}: {
  initial: DraftDefinition;
  existing: boolean;
  version?: number;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<DraftDefinition>(initial);
  const nextId = useRef(initial.columns.length);
  const [ids, setIds] = useState(() => initial.columns.map((_, i) => i));
  const [view, setView] = useState<"columns" | "json">("columns");
  const [json, setJson] = useState("");
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const save = useMutation(
    trpc.datasets.save.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.datasets.pathKey() });
        if (result.created) {
          router.push(`/datasets/${result.name}`);
          return;
        }
        setSaved(
          result.changed
            ? `Saved ${result.name}, version ${result.version}: ${result.changes.join("; ")}.`
            : "Nothing changed: the definition is the one already in place.",
        );
      },
    }),
  );

  const problems = save.error ? problemsOf(save.error.message) : null;
  const conflict = save.error?.data?.code === "CONFLICT";
  const forceable = conflict && /force/i.test(save.error?.message ?? "");
  const columnProblems = (i: number) => (problems ?? []).filter((p) => p.startsWith(`columns[${i}]`));

  const update = (patch: Partial<DraftDefinition>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setSaved(null);
  };

  const parseJson = (): DraftDefinition | null => {
    try {
      const parsed = JSON.parse(json) as unknown;
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
        setJsonError("The definition must be a JSON object.");
        return null;
      }
      const d = parsed as DraftDefinition;
      if (!Array.isArray(d.columns)) {
        setJsonError(
          "`columns` must be an array to edit it as columns (the server explains the rest on save).",
        );
        return null;
      }
      setJsonError(null);
      return d;
    } catch (err) {
      setJsonError(`Not valid JSON: ${(err as Error).message}`);
      return null;
    }
  };

  const switchView = (next: "columns" | "json") => {
    if (next === view) return;
    if (next === "json") {
      setJson(JSON.stringify(draft, null, 2));
      setJsonError(null);
      setView("json");
      return;
    }
    const parsed = parseJson();
    if (!parsed) return;
    setDraft({ ...parsed, key: Array.isArray(parsed.key) ? parsed.key : [] });
    setIds(parsed.columns.map(() => nextId.current++));
    setView("columns");
  };

  const submit = (force: boolean) => {
    setSaved(null);
    let definition: unknown = draft;
    if (view === "json") {
      try {
        definition = JSON.parse(json);
        setJsonError(null);
      } catch (err) {
        setJsonError(`Not valid JSON: ${(err as Error).message}`);
        return;
      }
    }
    save.mutate({ definition, force });
  };

  const setColumn = (i: number, c: DraftColumn) => {
    const before = draft.columns[i]?.name;
    update({
      columns: draft.columns.map((x, j) => (j === i ? c : x)),
      key: before && before !== c.name ? draft.key.map((k) => (k === before ? c.name : k)) : draft.key,
    });
  };
  const setKey = (i: number, on: boolean) => {
    const col = draft.columns[i]?.name ?? "";
    const others = draft.key.filter((k) => k !== col);
    // Key order follows column order.
    const keyed = new Set(on ? [...others, col] : others);
    update({ key: draft.columns.map((c) => c.name).filter((n) => keyed.has(n)) });
  };
  const move = (i: number, by: -1 | 1) => {
    const j = i + by;
    const cols = [...draft.columns];
    const order = [...ids];
    [cols[i], cols[j]] = [cols[j]!, cols[i]!];
    [order[i], order[j]] = [order[j]!, order[i]!];
    setIds(order);
    update({ columns: cols });
  };
  const remove = (i: number) => {
    const col = draft.columns[i]?.name;
    setIds(ids.filter((_, j) => j !== i));
    update({ columns: draft.columns.filter((_, j) => j !== i), key: draft.key.filter((k) => k !== col) });
  };
  const add = () => {
    const id = nextId.current++;
    setIds([...ids, id]);
    update({ columns: [...draft.columns, { name: "", type: "text" }] });
    // Focus the new column's name once it is rendered.
    const n = draft.columns.length + 1;
    setTimeout(() => document.getElementById(`col-${n}-name`)?.focus(), 0);
  };

  /** `columns[5]` is the 6th column: say which, as the cards count from 1. */
  const columnHint = (problem: string) => {
    const m = /^columns\[(\d+)\]/.exec(problem);
    if (!m) return null;
    const i = Number(m[1]);
    const name = draft.columns[i]?.name;
    return (
      <span className="font-sans text-red-700/80">
        {" "}
        (Column {i + 1}
        {name ? ` ${name}` : ""})
      </span>
    );
  };
  const generalProblems = (problems ?? []).filter((p) => !/^columns\[\d+\]/.test(p));
  const title = existing ? `Edit ${initial.name}` : "New dataset";

  return (
    <div className="max-w-5xl space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/datasets" className="hover:text-slate-800 hover:underline">
          Datasets
        </Link>{" "}
        {existing && (
          <>
            <span aria-hidden>/</span>{" "}
            <Link href={`/datasets/${initial.name}`} className="font-mono text-xs hover:underline">
              {initial.name}
            </Link>{" "}
          </>
        )}
        <span aria-hidden>/</span> {existing ? "edit" : "new"}
      </nav>
      <PageHeader
        title={title}
        description={
          existing
            ? `Version ${version}. Saving migrates staging and production: new columns are added; a change that would lose data asks for confirmation.`
            : "Define the table uploads load into: its columns, their types and rules, and the natural key."
        }
      />

      {save.error && (
        <Notice
          tone="error"
          title={
            conflict
              ? "The server refused this change"
              : problems
                ? "The definition has problems"
                : "Could not save"
          }
        >
          {problems ? (
            <ul className="mt-1 list-disc space-y-0.5 pl-5 font-mono text-xs">
              {problems.map((p) => (
                <li key={p}>
                  {p}
                  {columnHint(p)}
                </li>
              ))}
            </ul>
          ) : (
            <p>{save.error.message}</p>
          )}
          {forceable && (
            <div className="mt-2 flex items-center gap-3">
              <Button variant="danger" size="sm" disabled={save.isPending} onClick={() => submit(true)}>
                Apply anyway (force)
              </Button>
              <span className="text-xs">Existing data in the changed columns may be lost or rewritten.</span>
            </div>
          )}
        </Notice>
      )}
      {saved && <Notice tone="success">{saved}</Notice>}

      <section
        aria-label="Dataset"
        className="grid grid-cols-1 gap-4 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-2"
      >
        <Field
          label="Dataset name"
          hint={
            existing
              ? "The name identifies the dataset and its tables; it can't be changed."
              : "Lower-case letters, digits and _; it names the tables."
          }
          error={generalProblems.find((p) => p.startsWith("name:"))}
        >
          {(control) => (
            <Input
              {...control}
              className="font-mono"
              value={draft.name}
              disabled={existing}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => update({ name: e.target.value })}
            />
          )}
        </Field>
        <Field label="Title" error={generalProblems.find((p) => p.startsWith("title:"))}>
          {(control) => (
            <Input {...control} value={draft.title} onChange={(e) => update({ title: e.target.value })} />
          )}
        </Field>
        <Field label="Description" optional className="md:col-span-2">
          {(control) => (
            <textarea
              {...control}
              rows={2}
              value={draft.description ?? ""}
              onChange={(e) => update({ description: e.target.value || undefined })}
              className="block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 outline-none focus:border-teal-600 focus:ring-2 focus:ring-teal-600/20"
            />
          )}
        </Field>
        <Field
          label="Quality threshold"
          hint="The score (0–100) a batch needs to pass."
          error={generalProblems.find((p) => p.startsWith("quality"))}
        >
          {(control) => (
            <Input
              {...control}
              type="number"
              min={0}
              max={100}
              value={draft.quality?.minScore ?? ""}
              onChange={(e) =>
                update({
                  quality: {
                    ...draft.quality,
                    minScore: e.target.value === "" ? undefined : Number(e.target.value),
                  },
                })
              }
            />
          )}
        </Field>
        <Field label="Promotion mode" hint="upsert: by key; replace: the batch becomes the whole table.">
          {(control) => (
            <Select
              {...control}
              value={draft.promotion?.mode ?? "upsert"}
              onChange={(e) =>
                update({
                  promotion:
                    e.target.value === "upsert" && !draft.promotion?.auto
                      ? undefined
                      : { ...draft.promotion, mode: e.target.value },
                })
              }
            >
              <option value="upsert">upsert</option>
              <option value="replace">replace</option>
            </Select>
          )}
        </Field>
      </section>

      <Tabs
        label="Definition"
        selected={view}
        onSelect={switchView}
        tabs={[
          { key: "columns", label: "Columns", badge: view === "columns" ? draft.columns.length : undefined },
          { key: "json", label: "JSON" },
        ]}
      >
        {view === "columns" ? (
          <div className="space-y-3">
            {generalProblems.some((p) => p.startsWith("key")) && (
              <p className="text-xs text-red-700">
                {generalProblems.filter((p) => p.startsWith("key")).join("; ")}
              </p>
            )}
            <p className="text-xs text-slate-500">
              Key:{" "}
              <span className="font-mono text-slate-800">
                {draft.key.length ? draft.key.join(", ") : "none"}
              </span>{" "}
              (tick “Key” on the columns that identify a row; key columns are always required).
            </p>
            {draft.columns.map((c, i) => (
              <ColumnEditor
                key={ids[i] ?? i}
                index={i}
                column={c}
                isKey={draft.key.includes(c.name)}
                errors={columnProblems(i)}
                first={i === 0}
                last={i === draft.columns.length - 1}
                onChange={(next) => setColumn(i, next)}
                onKeyChange={(on) => setKey(i, on)}
                onMove={(by) => move(i, by)}
                onRemove={() => remove(i)}
              />
            ))}
            <Button onClick={add}>Add column</Button>
          </div>
        ) : (
          <div className="space-y-2">
            <label htmlFor="definition-json" className="block text-sm font-medium text-slate-700">
              Definition JSON
            </label>
            <textarea
              id="definition-json"
              value={json}
              onChange={(e) => {
                setJson(e.target.value);
                setSaved(null);
              }}
              spellCheck={false}
              rows={Math.min(40, Math.max(16, json.split("\n").length + 1))}
              aria-invalid={jsonError ? true : undefined}
              aria-describedby={jsonError ? "definition-json-error" : undefined}
              className={`block w-full rounded-md border bg-white p-3 font-mono text-xs leading-5 text-slate-900 outline-none focus:ring-2 ${jsonError ? "border-red-400 focus:ring-red-500/20" : "border-slate-300 focus:border-teal-600 focus:ring-teal-600/20"}`}
            />
            {jsonError ? (
              <p id="definition-json-error" className="text-xs text-red-700">
                {jsonError}
              </p>
            ) : (
              <p className="text-xs text-slate-500">
                The contract of DESIGN.md; the server validates all of it on save.
              </p>
            )}
          </div>
        )}
      </Tabs>

      <div className="sticky bottom-3 z-10 flex items-center justify-end gap-3 rounded-lg border border-slate-200 bg-white/95 px-4 py-3 shadow-lg shadow-slate-900/5 backdrop-blur">
        <Link
          href={existing ? `/datasets/${initial.name}` : "/datasets"}
          className="text-sm text-slate-600 hover:underline"
        >
          Cancel
        </Link>
        <Button variant="primary" disabled={save.isPending} onClick={() => submit(false)}>
          {save.isPending ? "Saving…" : existing ? "Save definition" : "Create dataset"}
        </Button>
      </div>
    </div>
  );
}
