"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import {
  Area,
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
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
const ms = (v: number) =>
  v < 1000 ? `${Math.round(v)} ms` : v < 10_000 ? `${(v / 1000).toFixed(1)} s` : formatDuration(v / 1000);

const axis = { fontSize: 11, fill: "#64748b" };

type Point = Series["points"][number];

/** One drawn series of a chart: a stacked area, a stacked bar or a line. */
type SeriesSpec = {
  dataKey: string;
  name: string;
  color: string;
  dashed?: boolean;
};

type TimeChartProps = {
  title: string;
  description: string;
  kind: "area" | "bar" | "line";
  series: SeriesSpec[];
  points: Point[];
  range: Range;
  /** Dots on lines and areas, for when there are too few samples to draw a line. */
  dot: boolean | { r: number };
  /** How a value reads in the tooltip (and on the axis unless `yAxis.tickFormatter` says otherwise). */
  format: (v: number) => string;
  yAxis?: Omit<React.ComponentProps<typeof YAxis>, "ref">;
  legend?: boolean;
  marginLeft?: number;
};

/** A captioned chart of sampled metrics over time: the one shape every metrics chart shares. */
function TimeChart({
  title,
  description,
  kind,
  series,
  points,
  range,
  dot,
  format,
  yAxis,
  legend = true,
  marginLeft = -12,
}: TimeChartProps) {
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-4">
      <figcaption>
        <div className="text-sm font-semibold text-slate-800">{title}</div>
        <div className="text-xs text-slate-500">{description}</div>
      </figcaption>
      <div className="mt-3 h-56">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: marginLeft }}>
            <CartesianGrid stroke="#e2e8f0" vertical={false} />
            <XAxis dataKey="at" tickFormatter={tickTime(range)} tick={axis} minTickGap={24} />
            <YAxis tick={axis} {...yAxis} />
            <Tooltip
              labelFormatter={fullTime}
              formatter={(v) => (v === null || v === undefined ? "—" : format(Number(v)))}
            />
            {legend && <Legend wrapperStyle={{ fontSize: 12 }} />}
            {series.map((s) =>
              kind === "area" ? (
                <Area
                  key={s.dataKey}
                  type="monotone"
                  dataKey={s.dataKey}
                  name={s.name}
                  stackId="stack"
                  stroke={s.color}
                  fill={s.color}
                  fillOpacity={0.35}
                  dot={dot}
                  isAnimationActive={false}
                />
              ) : kind === "bar" ? (
                <Bar
                  key={s.dataKey}
                  dataKey={s.dataKey}
                  name={s.name}
                  stackId="stack"
                  fill={s.color}
                  isAnimationActive={false}
                />
              ) : (
                <Line
                  key={s.dataKey}
                  type="monotone"
                  dataKey={s.dataKey}
                  name={s.name}
                  stroke={s.color}
                  strokeDasharray={s.dashed ? "4 3" : undefined}
                  dot={dot}
                  connectNulls
                  isAnimationActive={false}
                />
              ),
            )}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

const count = (v: number) => formatCount(v);
const percent = (v: number) => `${v.toFixed(1)} %`;

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

  const common = { points, range, dot };

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
          <TimeChart
            {...common}
            title="Queue depth by priority"
            description={`Jobs not finished, average ${binLabel}`}
            kind="area"
            series={(["background", "standard", "high", "emergency"] as const).map((p) => ({
              dataKey: `depth.${p}`,
              name: p,
              color: PRIORITY_COLORS[p],
            }))}
            format={count}
            yAxis={{ allowDecimals: false }}
          />
          <TimeChart
            {...common}
            title="Throughput"
            description={`Jobs finished ${binLabel}`}
            kind="bar"
            series={[
              { dataKey: "completed", name: "succeeded", color: "#0f766e" },
              { dataKey: "failed", name: "failed", color: "#dc2626" },
            ]}
            format={count}
            yAxis={{ allowDecimals: false }}
          />
          <TimeChart
            {...common}
            title="Failure rate"
            description={`Failed for good / finished, ${binLabel}`}
            kind="line"
            series={[{ dataKey: "failureRate", name: "failure rate", color: "#dc2626" }]}
            format={percent}
            yAxis={{
              unit: " %",
              domain: [0, (max: number) => (Number.isFinite(max) ? Math.max(5, Math.ceil(max)) : 5)],
            }}
            legend={false}
          />
          <TimeChart
            {...common}
            title="Latency"
            description={`Run time and wait in queue, p50 and p95 ${binLabel}${range === "hour" ? "" : " (p95: worst minute)"}`}
            kind="line"
            series={[
              { dataKey: "runP50Ms", name: "run p50", color: "#0f766e" },
              { dataKey: "runP95Ms", name: "run p95", color: "#0f766e", dashed: true },
              { dataKey: "waitP50Ms", name: "wait p50", color: "#6366f1" },
              { dataKey: "waitP95Ms", name: "wait p95", color: "#6366f1", dashed: true },
            ]}
            format={ms}
            yAxis={{ tickFormatter: (v) => ms(Number(v)), width: 56, domain: [0, "auto"] }}
            marginLeft={0}
          />
        </div>
      )}
    </Tabs>
  );
}
