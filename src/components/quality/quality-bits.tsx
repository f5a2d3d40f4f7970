"use client";

import { Line, LineChart, ResponsiveContainer, YAxis } from "recharts";

/**
 * Small shared pieces of the quality pages: a score coloured by its threshold, the gate's verdict,
 * a trend sparkline, and a mini histogram drawn with plain boxes (prints as it shows).
 */
export function scoreTone(value: number | null, min: number): string {
  if (value === null) return "text-slate-400";
  if (value < min) return "text-red-700";
  if (value < Math.min(100, min + 5)) return "text-amber-700";
  return "text-emerald-700";
}

export function ScoreValue({
  value,
  min,
  className = "",
}: {
  value: number | null;
  min: number;
  className?: string;
}) {
  return (
    <span className={`tabular-nums font-semibold ${scoreTone(value, min)} ${className}`}>
      {value === null ? "n/a" : value.toFixed(1)}
    </span>
  );
}

export function GateBadge({ passed, testId }: { passed: boolean; testId?: string }) {
  return (
    <span
      data-testid={testId}
      className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-semibold ring-1 ring-inset ${
        passed ? "bg-emerald-50 text-emerald-700 ring-emerald-200" : "bg-red-50 text-red-700 ring-red-200"
      }`}
    >
      <span aria-hidden>{passed ? "✓" : "✕"}</span>
      {passed ? "Gate passed" : "Gate failed"}
    </span>
  );
}

export function Sparkline({ points, min }: { points: { at: string; overall: number }[]; min: number }) {
  if (points.length < 2)
    return <span className="text-xs text-slate-400">{points.length ? "one report" : "—"}</span>;
  const last = points.at(-1)!.overall;
  return (
    <div
      className="h-8 w-32"
      role="img"
      aria-label={`Trend of the last ${points.length} scores, latest ${last}`}
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 2, right: 2, bottom: 2, left: 2 }}>
          <YAxis domain={[0, 100]} hide />
          <Line
            type="monotone"
            dataKey="overall"
            stroke={last < min ? "#b91c1c" : "#0f766e"}
            strokeWidth={1.5}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function MiniHistogram({ counts, label }: { counts: number[]; label: string }) {
  const max = Math.max(...counts, 1);
  return (
    <div className="flex h-7 w-28 items-end gap-px" role="img" aria-label={label}>
      {counts.map((n, i) => (
        <div
          // biome-ignore lint/suspicious/noArrayIndexKey: buckets are positional
          key={i}
          className="flex-1 rounded-t-sm bg-teal-600/70 print:bg-slate-500"
          style={{ height: `${Math.max(n ? 8 : 0, (n / max) * 100)}%` }}
          title={`${n}`}
        />
      ))}
    </div>
  );
}
