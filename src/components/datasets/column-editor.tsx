"use client";

import { useState } from "react";
import { COLUMN_TYPES, NORMALIZERS } from "@/datasets/definition";
import { Button } from "../ui/button";

/** A column as the editor holds it: the definition's shape, loosely (it may be invalid while edited). */
export interface DraftColumn {
  name: string;
  type: string;
  title?: string;
  description?: string;
  required?: boolean;
  normalize?: string[];
  aliases?: string[];
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  values?: string[];
  pii?: boolean;
  [other: string]: unknown;
}

const RANGE_TYPES = new Set(["integer", "decimal", "date", "timestamp"]);
const LENGTH_TYPES = new Set(["text", "email", "url", "domain", "enum"]);

const INPUT =
  "block h-8 w-full rounded-md border bg-white px-2 text-sm text-slate-900 outline-none placeholder:text-slate-400 focus:ring-2";
const INPUT_OK = "border-slate-300 focus:border-teal-600 focus:ring-teal-600/20";
const INPUT_BAD = "border-red-400 focus:border-red-500 focus:ring-red-500/20";
const LABEL = "mb-0.5 block text-xs font-medium text-slate-600";

/** Drops keys whose value is undefined, so the JSON stays as short as what the admin set. */
function clean(c: DraftColumn): DraftColumn {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as DraftColumn;
}

/**
 * One column of a definition: name, type, required/key/PII, then the rules that apply to its type,
 * normalisers and aliases. Every control's accessible name starts with "Column <n>", so each is
 * unique on the page.
 */
export function ColumnEditor({
  index,
  column,
  isKey,
  errors,
  first,
  last,
  onChange,
  onKeyChange,
  onMove,
  onRemove,
}: {
  index: number;
  column: DraftColumn;
  isKey: boolean;
  errors: string[];
  first: boolean;
  last: boolean;
  onChange: (c: DraftColumn) => void;
  onKeyChange: (isKey: boolean) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const n = index + 1;
  const label = `Column ${n}`;
  const set = (patch: Partial<DraftColumn>) => onChange(clean({ ...column, ...patch }));
  const bad = (field: string) => errors.some((e) => e.startsWith(`columns[${index}].${field}`));
  const cls = (field: string) => `${INPUT} ${bad(field) ? INPUT_BAD : INPUT_OK}`;
  const numeric = (v: string) => (v.trim() === "" ? undefined : Number(v));

  return (
    <fieldset
      className={`rounded-lg border bg-white p-3 ${errors.length ? "border-red-300" : "border-slate-200"}`}
      aria-describedby={errors.length ? `column-${n}-errors` : undefined}
    >
      <legend className="px-1 text-xs font-semibold text-slate-500">
        {label}
        {column.name ? <span className="ml-1 font-mono text-slate-800">{column.name}</span> : null}
      </legend>
      <div className="grid grid-cols-[minmax(10rem,1fr)_9rem_auto_auto] items-end gap-3">
        <div>
          <label className={LABEL} htmlFor={`col-${n}-name`}>
            Name
          </label>
          <input
            id={`col-${n}-name`}
            aria-label={`${label} name`}
            className={`${cls("name")} font-mono`}
            value={column.name}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => set({ name: e.target.value })}
          />
        </div>
        <div>
          <label className={LABEL} htmlFor={`col-${n}-type`}>
            Type
          </label>
          <select
            id={`col-${n}-type`}
            aria-label={`${label} type`}
            className={cls("type")}
            value={column.type}
            onChange={(e) => set({ type: e.target.value })}
          >
            {COLUMN_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div className="flex h-8 items-center gap-3 text-sm text-slate-700">
          <Check
            label={`${label} required`}
            text="Required"
            checked={!!column.required}
            onChange={(v) => set({ required: v || undefined })}
          />
          <Check label={`${label} key`} text="Key" checked={isKey} onChange={onKeyChange} />
          <Check
            label={`${label} PII`}
            text="PII"
            checked={!!column.pii}
            onChange={(v) => set({ pii: v || undefined })}
          />
        </div>
        <div className="flex h-8 items-center gap-1">
          <Button size="sm" aria-label={`Move ${label} up`} disabled={first} onClick={() => onMove(-1)}>
            ↑
          </Button>
          <Button size="sm" aria-label={`Move ${label} down`} disabled={last} onClick={() => onMove(1)}>
            ↓
          </Button>
          <Button size="sm" variant="danger-outline" aria-label={`Remove ${label}`} onClick={onRemove}>
            Remove
          </Button>
        </div>
      </div>

      <div className="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-6">
        {RANGE_TYPES.has(column.type) || column.min !== undefined || column.max !== undefined ? (
          <>
            <NumberField
              id={`col-${n}-min`}
              label={`${label} min`}
              text="Min"
              value={column.min}
              className={cls("min")}
              onChange={(v) => set({ min: numeric(v) })}
            />
            <NumberField
              id={`col-${n}-max`}
              label={`${label} max`}
              text="Max"
              value={column.max}
              className={cls("max")}
              onChange={(v) => set({ max: numeric(v) })}
            />
          </>
        ) : null}
        {LENGTH_TYPES.has(column.type) || column.minLength !== undefined || column.maxLength !== undefined ? (
          <>
            <NumberField
              id={`col-${n}-minLength`}
              label={`${label} min length`}
              text="Min length"
              value={column.minLength}
              className={cls("minLength")}
              step={1}
              onChange={(v) => set({ minLength: numeric(v) })}
            />
            <NumberField
              id={`col-${n}-maxLength`}
              label={`${label} max length`}
              text="Max length"
              value={column.maxLength}
              className={cls("maxLength")}
              step={1}
              onChange={(v) => set({ maxLength: numeric(v) })}
            />
          </>
        ) : null}
        {column.type === "enum" || column.values ? (
          <ListField
            id={`col-${n}-values`}
            label={`${label} values`}
            text="Allowed values"
            placeholder="comma-separated"
            value={column.values}
            className={cls("values")}
            wide
            onChange={(v) => set({ values: v })}
          />
        ) : null}
        <div className="col-span-2">
          <label className={LABEL} htmlFor={`col-${n}-pattern`}>
            Pattern (regex)
          </label>
          <input
            id={`col-${n}-pattern`}
            aria-label={`${label} pattern`}
            className={`${cls("pattern")} font-mono`}
            value={column.pattern ?? ""}
            spellCheck={false}
            onChange={(e) => set({ pattern: e.target.value || undefined })}
          />
        </div>
      </div>

      <div className="mt-3 grid grid-cols-1 gap-3 md:grid-cols-2">
        <fieldset>
          <legend className={LABEL}>Normalisers</legend>
          <div className="flex h-8 flex-wrap items-center gap-x-3 text-sm text-slate-700">
            {NORMALIZERS.map((norm) => (
              <Check
                key={norm}
                label={`${label} normaliser ${norm}`}
                text={norm}
                mono
                checked={column.normalize?.includes(norm) ?? false}
                onChange={(on) => {
                  const next = NORMALIZERS.filter((x) =>
                    x === norm ? on : (column.normalize ?? []).includes(x),
                  );
                  set({ normalize: next.length ? next : undefined });
                }}
              />
            ))}
          </div>
        </fieldset>
        <ListField
          id={`col-${n}-aliases`}
          label={`${label} aliases`}
          text="Aliases (other header names)"
          placeholder="comma-separated"
          value={column.aliases}
          className={cls("aliases")}
          onChange={(v) => set({ aliases: v })}
        />
      </div>

      {errors.length > 0 && (
        <ul id={`column-${n}-errors`} className="mt-2 space-y-0.5 text-xs text-red-700">
          {errors.map((e) => (
            <li key={e} className="font-mono">
              {e}
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

function Check({
  label,
  text,
  checked,
  mono,
  onChange,
}: {
  label: string;
  text: string;
  checked: boolean;
  mono?: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label className="flex cursor-pointer items-center gap-1.5">
      <input
        type="checkbox"
        aria-label={label}
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        className="h-4 w-4 rounded border-slate-300 accent-teal-700"
      />
      <span className={mono ? "font-mono text-xs" : ""}>{text}</span>
    </label>
  );
}

function NumberField({
  id,
  label,
  text,
  value,
  className,
  step,
  onChange,
}: {
  id: string;
  label: string;
  text: string;
  value: number | undefined;
  className: string;
  step?: number;
  onChange: (raw: string) => void;
}) {
  return (
    <div>
      <label className={LABEL} htmlFor={id}>
        {text}
      </label>
      <input
        id={id}
        type="number"
        step={step ?? "any"}
        aria-label={label}
        className={`${className} tabular-nums`}
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

/** A comma-separated list; keeps the text as typed (a trailing comma included) while editing. */
function ListField({
  id,
  label,
  text,
  placeholder,
  value,
  className,
  wide,
  onChange,
}: {
  id: string;
  label: string;
  text: string;
  placeholder: string;
  value: string[] | undefined;
  className: string;
  wide?: boolean;
  onChange: (v: string[] | undefined) => void;
}) {
  const [raw, setRaw] = useState((value ?? []).join(", "));
  return (
    <div className={wide ? "col-span-2" : ""}>
      <label className={LABEL} htmlFor={id}>
        {text}
      </label>
      <input
        id={id}
        aria-label={label}
        className={className}
        value={raw}
        placeholder={placeholder}
        spellCheck={false}
        onChange={(e) => {
          setRaw(e.target.value);
          const list = e.target.value
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean);
          onChange(list.length ? list : undefined);
        }}
      />
    </div>
  );
}
