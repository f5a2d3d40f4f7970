"use client";

import { type InputHTMLAttributes, type SelectHTMLAttributes, useId } from "react";

const CONTROL =
  "block rounded-md border bg-white px-2.5 text-sm text-slate-900 outline-none placeholder:text-slate-400 focus:ring-2 disabled:bg-slate-50 disabled:text-slate-500";
const CONTROL_OK = "border-slate-300 focus:border-teal-600 focus:ring-teal-600/20";
const CONTROL_BAD = "border-red-400 focus:border-red-500 focus:ring-red-500/20";

/** Props a Field hands to its control so the label, hint and error are wired for screen readers. */
export interface ControlProps {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: true;
}

/**
 * A labelled form control with an optional hint and an inline error. The label holds only its
 * text, so the control's accessible name is exactly `label`.
 */
export function Field({
  label,
  hint,
  error,
  optional,
  className = "",
  children,
}: {
  label: string;
  hint?: React.ReactNode;
  error?: string;
  optional?: boolean;
  className?: string;
  children: (control: ControlProps) => React.ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = error ? errorId : hint ? hintId : undefined;
  return (
    <div className={className}>
      <div className="mb-1 flex items-baseline justify-between gap-2">
        <label htmlFor={id} className="text-sm font-medium text-slate-700">
          {label}
        </label>
        {optional && <span className="text-xs text-slate-400">optional</span>}
      </div>
      {children({
        id,
        "aria-describedby": describedBy,
        "aria-invalid": error ? true : undefined,
      })}
      {error ? (
        <p id={errorId} className="mt-1 text-xs text-red-700">
          {error}
        </p>
      ) : hint ? (
        <p id={hintId} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function Input({ className = "", ...props }: InputHTMLAttributes<HTMLInputElement>) {
  const bad = props["aria-invalid"] === true || props["aria-invalid"] === "true";
  return (
    <input className={`${CONTROL} h-9 w-full ${bad ? CONTROL_BAD : CONTROL_OK} ${className}`} {...props} />
  );
}

export function Select({
  className = "",
  size = "md",
  ...props
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, "size"> & { size?: "sm" | "md" }) {
  const bad = props["aria-invalid"] === true || props["aria-invalid"] === "true";
  return (
    <select
      className={`${CONTROL} ${size === "sm" ? "h-7 py-0 text-xs" : "h-9 w-full"} ${bad ? CONTROL_BAD : CONTROL_OK} ${className}`}
      {...props}
    />
  );
}
