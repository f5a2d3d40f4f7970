"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatCount, formatDuration } from "@/format";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { EmptyState } from "../ui/empty-state";
import { Tabs } from "../ui/tabs";

type Series = RouterOutputs["metrics"]["series"];
type Range = Series["range"];

const RANGES: { key: Range; label: string }[] = [
  { key: "hour", label: "Last hour" },
  { key: "day", label: "Last day" },
  { key: "week", label: "Last week" },
];

/** One colour per priority, most urgent warmest; the same on every chart. */
const PRIORITY_COLORS = {
  emergency: "#dc2626",
  high: "#f59e0b",
  standard: "#0f766e",
  background: "#94a3b8",
} as const;

const tickTime = (range: Range) => (iso: string) => {
  const d = new Date(iso);
  const hm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  return range === "week" ? `${d.toLocaleDateString(undefined, { weekday: "short" })} ${hm}` : hm;
};

const fullTime = (iso: unknown) => new Date(String(iso)).toLocaleString();
const ms = (v: number | null | undefined) =>
  v === null || v === undefined
    ? "—"
    : v < 1000
      ? `${Math.round(v)} ms`
      : v < 10_000
        ? `${(v / 1000).toFixed(1)} s`
        : formatDuration(v / 1000);

function ChartCard({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children: React.ReactNode;
}) {
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-4">
      <figcaption>
        <div className="text-sm font-semibold text-slate-800">{title}</div>
        <div className="text-xs text-slate-500">{description}</div>
      </figcaption>
      <div className="mt-3 h-56">{children}</div>
    </figure>
  );
}

const axis = { fontSize: 11, fill: "#64748b" };

/**
 * Live charts of the sampled metrics for the last hour, day or week: depth by priority,
 * throughput, failure rate and latency. Re-sent by the server every 15 s.
 */
export function MetricCharts() {
  const [range, setRange] = useState<Range>("hour");
  const trpc = useTRPC();
  const sub = useSubscription(trpc.metrics.seriesLive.subscriptionOptions({ range }));
  const series = sub.data?.data as Series | undefined;
  const current = series?.range === range ? series : undefined;
  const points = current?.points ?? [];
  const tick = tickTime(range);
  const sampled = points.filter((p) => p.completed !== null).length;
  // With few samples (a fresh install) isolated points would draw nothing: show them as dots.
  const dot = sampled < 10 ? { r: 2.5 } : false;
  const binLabel = current
    ? current.binSeconds >= 3600
      ? "per hour"
      : current.binSeconds >= 600
        ? "per 10 min"
        : "per minute"
    : "";

  return (
    <Tabs label="Time range" tabs={RANGES} selected={range} onSelect={setRange}>
      {!current ? (
        <div className="grid gap-4 lg:grid-cols-2" aria-busy="true">
          {[0, 1, 2, 3].map((i) => (
            <div key={i} className="h-72 animate-pulse rounded-lg border border-slate-200 bg-slate-50" />
          ))}
        </div>
      ) : points.length === 0 ? (
        <EmptyState title="No samples yet">
          Workers record a sample every minute; the first points appear a minute after a worker starts.
        </EmptyState>
      ) : (
        <div className="grid gap-4 lg:grid-cols-2" data-testid="metric-charts" data-samples={sampled}>
          <ChartCard title="Queue depth by priority" description={`Jobs not finished, average ${binLabel}`}>
            <ResponsiveContainer width="100%" height="100%">
              <AreaChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
                <CartesianGrid stroke="#e2e8f0" vertical={false} />
                <XAxis dataKey="at" tickFormatter={tick} tick={axis} minTickGap={24} />
                <YAxis tick={axis} allowDecimals={false} />
                <Tooltip
                  labelFormatter={fullTime}
                  formatter={(v) => (v === null || v === undefined ? "—" : formatCount(Number(v)))}
                />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                {(["background", "standard", "high", "emergency"] as const).map((p) => (
                  <Area
                    key={p}
                    type="monotone"
                    dataKey={`depth.${p}`}
                    name={p}
                    stackId="depth"
                    stroke={PRIORITY_COLORS[p]}
                    fill={PRIORITY_COLORS[p]}
                    fillOpacity={0.35}
                    dot={dot}
                    isAnimationActive={false}
                  />
                ))}
              </AreaChart>
            </ResponsiveContainer>
          </ChartCard>
          <ChartCard title="Throughput" description={`Jobs finished ${binLabel}`}>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
                <CartesianGrid stroke="#e2e8f0" vertical={false} />
                <XAxis dataKey="at" tickFormatter={tick} tick={axis} minTickGap={24} />
                <YAxis tick={axis} allowDecimals={false} />
                <Tooltip
                  labelFormatter={fullTime}
                  formatter={(v) => (v === null || v === undefined ? "—" : formatCount(Number(v)))}
                />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Bar
                  dataKey="completed"
                  name="succeeded"
                  stackId="t"
                  fill="#0f766e"
                  isAnimationActive={false}
                />
                <Bar dataKey="failed" name="failed" stackId="t" fill="#dc2626" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </ChartCard>
          <ChartCard title="Failure rate" description={`Failed for good / finished, ${binLabel}`}>
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
                <CartesianGrid stroke="#e2e8f0" vertical={false} />
                <XAxis dataKey="at" tickFormatter={tick} tick={axis} minTickGap={24} />
                <YAxis
                  tick={axis}
                  unit=" %"
                  domain={[0, (max: number) => (Number.isFinite(max) ? Math.max(5, Math.ceil(max)) : 5)]}
                />
                <Tooltip
                  labelFormatter={fullTime}
                  formatter={(v) => (v === null || v === undefined ? "—" : `${Number(v).toFixed(1)} %`)}
                />
                <Line
                  type="monotone"
                  dataKey="failureRate"
                  name="failure rate"
                  stroke="#dc2626"
                  dot={dot}
                  connectNulls
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          </ChartCard>
          <ChartCard
            title="Latency"
            description={`Run time and wait in queue, p50 and p95 ${binLabel}${range === "hour" ? "" : " (p95: worst minute)"}`}
          >
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid stroke="#e2e8f0" vertical={false} />
                <XAxis dataKey="at" tickFormatter={tick} tick={axis} minTickGap={24} />
                <YAxis tick={axis} tickFormatter={(v) => ms(Number(v))} width={56} domain={[0, "auto"]} />
                <Tooltip labelFormatter={fullTime} formatter={(v) => ms(v as number | null)} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Line
                  type="monotone"
                  dataKey="runP50Ms"
                  name="run p50"
                  stroke="#0f766e"
                  dot={dot}
                  connectNulls
                  isAnimationActive={false}
                />
                <Line
                  type="monotone"
                  dataKey="runP95Ms"
                  name="run p95"
                  stroke="#0f766e"
                  strokeDasharray="4 3"
                  dot={dot}
                  connectNulls
                  isAnimationActive={false}
                />
                <Line
                  type="monotone"
                  dataKey="waitP50Ms"
                  name="wait p50"
                  stroke="#6366f1"
                  dot={dot}
                  connectNulls
                  isAnimationActive={false}
                />
                <Line
                  type="monotone"
                  dataKey="waitP95Ms"
                  name="wait p95"
                  stroke="#6366f1"
                  strokeDasharray="4 3"
                  dot={dot}
                  connectNulls
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          </ChartCard>
        </div>
      )}
    </Tabs>
  );
}
