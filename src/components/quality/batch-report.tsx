"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatCount } from "@/format";
import { type RouterOutputs, useTRPC } from "@/trpc/react";
import { Button } from "../ui/button";
import { DateTime } from "../ui/date-time";
import { LinkButton } from "../ui/link-button";
import { type Column, DataTable, Truncate } from "../ui/table";
import { GateBadge, MiniHistogram, ScoreValue } from "./quality-bits";
import { download, reportCsv } from "./report-export";

type Report = RouterOutputs["quality"]["report"];
type Profile = Report["profiles"][number];
type Violation = Report["violations"][number];
type ColumnDrift = NonNullable<Report["drift"]>["columns"][number];

const SCORE_ORDER = ["completeness", "validity", "uniqueness", "consistency", "freshness"] as const;
const none = <span className="text-slate-300">—</span>;

/**
 * One batch's quality report: the gate, score cards (each saying how it was computed and its
 * weight), rule violations with sample lines linking to the rejected rows, the column profiles
 * with mini histograms, and drift against the batch last promoted. Exports JSON and CSV; prints.
 */
export function BatchReport({ batchId, canPromote }: { batchId: string; canPromote: boolean }) {
  const trpc = useTRPC();
  const report = useQuery({
    ...trpc.quality.report.queryOptions({ batchId }),
    // 409 until the worker has computed it: keep asking, quietly.
    retry: (n, err) => !/No batch/.test(err.message) && n < 60,
    retryDelay: 1000,
  });
  const r = report.data;
  if (!r) {
    return (
      <div className="max-w-6xl space-y-4">
        <Breadcrumb dataset={null} batchId={batchId} />
        <p className="text-sm text-slate-500">
          {report.error && /No batch/.test(report.error.message)
            ? report.error.message
            : report.error
              ? `The report is not ready: ${report.error.message}`
              : "Loading the quality report… (it is computed by a worker right after the batch is staged)"}
        </p>
      </div>
    );
  }
  const jsonName = `${(r.fileName ?? batchId).replace(/\.csv$/i, "")}-quality`;
  return (
    <div className="max-w-7xl space-y-6 print:max-w-none print:space-y-4">
      <Breadcrumb dataset={r.dataset} batchId={batchId} />
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Quality report</h1>
          <p className="mt-1 flex flex-wrap items-center gap-x-2 text-sm text-slate-500">
            {r.jobId ? (
              <Link href={`/jobs/${r.jobId}`} className="font-medium text-slate-800 hover:underline">
                {r.fileName}
              </Link>
            ) : (
              <span className="font-medium text-slate-800">{r.fileName}</span>
            )}
            <span aria-hidden>→</span>
            <span className="font-mono text-xs">staging.{r.dataset}</span>
            {r.uploadedBy && <span>· uploaded by {r.uploadedBy}</span>}
            <span>
              · computed <DateTime value={r.computedAt} format="minutes" /> in{" "}
              {(r.durationMs / 1000).toFixed(1)} s
            </span>
          </p>
        </div>
        <div className="flex items-center gap-2 print:hidden">
          <Button
            size="sm"
            onClick={() => download(`${jsonName}.json`, "application/json", JSON.stringify(r, null, 2))}
          >
            Export JSON
          </Button>
          <Button size="sm" onClick={() => download(`${jsonName}.csv`, "text/csv", reportCsv(r))}>
            Export CSV
          </Button>
          <Button size="sm" onClick={() => window.print()}>
            Print
          </Button>
          {canPromote && (
            <LinkButton href={`/promotions/preview/${batchId}`} size="sm" variant="primary">
              Review promotion
            </LinkButton>
          )}
        </div>
      </header>

      <GateSummary r={r} />
      <ScoreCards r={r} />
      <Violations r={r} />
      <Profiles r={r} />
      <DriftSection r={r} />
    </div>
  );
}

function Breadcrumb({ dataset, batchId }: { dataset: string | null; batchId: string }) {
  return (
    <nav aria-label="Breadcrumb" className="text-sm text-slate-500 print:hidden">
      <Link href="/quality" className="hover:text-slate-800 hover:underline">
        Quality
      </Link>{" "}
      <span aria-hidden>/</span>{" "}
      {dataset && (
        <>
          <Link href={`/quality/datasets/${dataset}`} className="hover:text-slate-800 hover:underline">
            {dataset}
          </Link>{" "}
          <span aria-hidden>/</span>{" "}
        </>
      )}
      <span className="font-mono text-xs">{batchId.slice(0, 8)}</span>
    </nav>
  );
}

function GateSummary({ r }: { r: Report }) {
  return (
    <section
      aria-label="Quality gate"
      className={`flex flex-wrap items-center gap-6 rounded-lg border p-4 break-inside-avoid ${
        r.passed ? "border-emerald-200 bg-emerald-50/50" : "border-red-300 bg-red-50"
      }`}
    >
      <div>
        <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Overall</p>
        <p data-testid="overall-score" className="text-4xl font-semibold tabular-nums">
          <ScoreValue value={r.overall} min={r.minScore} />
          <span className="text-base font-normal text-slate-400"> / 100</span>
        </p>
      </div>
      <div className="min-w-0 flex-1 space-y-1">
        <GateBadge passed={r.passed} testId="gate" />
        <p className="text-sm text-slate-700">
          {r.passed
            ? `At least ${r.minScore} overall${Object.keys(r.minScores).length ? " and every score minimum met" : ""}: this batch may be promoted.`
            : `Fails: ${r.gate.failures.map((f) => `${f.score} ${f.value ?? "n/a"} < ${f.min}`).join("; ")}. It cannot be promoted unless an admin overrides the gate with a written reason.`}
        </p>
        <p className="text-xs text-slate-500">
          Overall = weighted mean of the scores that apply ({" "}
          {Object.entries(r.weights)
            .map(([k, w]) => `${k} ${Math.round((w ?? 0) * 100)}%`)
            .join(", ")}
          ).
        </p>
      </div>
      {r.loaded && (
        <dl className="grid grid-cols-4 gap-4 text-sm">
          {(
            [
              ["Rows", r.loaded.rows],
              ["Staged", r.loaded.valid],
              ["Rejected", r.loaded.rejected],
              ["Duplicates", r.loaded.duplicates],
            ] as const
          ).map(([label, n]) => (
            <div key={label}>
              <dt className="text-xs text-slate-500">{label}</dt>
              <dd className="font-semibold tabular-nums">{formatCount(n)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

function ScoreCards({ r }: { r: Report }) {
  return (
    <section aria-labelledby="scores-title" className="space-y-2">
      <h2 id="scores-title" className="text-sm font-semibold text-slate-800">
        Scores
      </h2>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5 print:grid-cols-5">
        {SCORE_ORDER.map((name) => {
          const s = r.scores[name];
          const min = r.minScores[name];
          const weight = r.weights[name];
          return (
            <div
              key={name}
              data-testid={`score-${name}`}
              className="break-inside-avoid rounded-lg border border-slate-200 bg-white p-3"
            >
              <div className="flex items-baseline justify-between">
                <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{name}</p>
                <p className="text-xs text-slate-400">
                  {weight ? `weight ${Math.round(weight * 100)}%` : "not weighed"}
                </p>
              </div>
              <p className="mt-1 text-2xl">
                <ScoreValue value={s.value} min={min ?? r.minScore} />
                {min !== undefined && <span className="ml-1 text-xs text-slate-500">min {min}</span>}
              </p>
              <p className="mt-1 text-xs leading-snug text-slate-500">{s.how}</p>
            </div>
          );
        })}
      </div>
    </section>
  );
}

function sampleLink(r: Report, v: Violation, line: number | null) {
  if (line === null) return null;
  if (v.kind === "load" && r.jobId) {
    const q = new URLSearchParams({ rule: v.rule, ...(v.column === "(key)" ? {} : { column: v.column }) });
    return (
      <Link
        key={line}
        href={`/jobs/${r.jobId}?${q}`}
        className="whitespace-nowrap font-mono text-xs text-teal-700 hover:underline"
      >
        line {line}
      </Link>
    );
  }
  return (
    <span key={line} className="whitespace-nowrap font-mono text-xs">
      line {line}
    </span>
  );
}

function Violations({ r }: { r: Report }) {
  const columns: Column<Violation>[] = [
    {
      header: "Rule",
      cell: (v) => (
        <span className="font-mono text-xs">
          {v.rule}
          {v.kind === "consistency" && <span className="ml-1 font-sans text-slate-400">(cross-field)</span>}
        </span>
      ),
    },
    { header: "Column", cell: (v) => <span className="font-mono text-xs">{v.column}</span> },
    {
      header: "Rows",
      className: "text-right",
      cell: (v) => <span className="tabular-nums">{formatCount(v.count)}</span>,
    },
    {
      header: "% of rows",
      className: "text-right",
      cell: (v) => <span className="tabular-nums">{v.percent}%</span>,
    },
    {
      header: "Samples",
      grow: true,
      cell: (v) => (
        <ul className="space-y-0.5">
          {v.samples.map((s) => (
            <li key={`${s.row}-${s.line}`} className="flex min-w-0 items-baseline gap-2">
              {sampleLink(r, v, s.line)}
              <Truncate className="text-xs text-slate-600" title={s.message ?? undefined}>
                {s.value === null ? "(empty)" : `"${s.value}"`}
                {s.message ? ` — ${s.message}` : ""}
              </Truncate>
            </li>
          ))}
        </ul>
      ),
    },
  ];
  return (
    <section aria-labelledby="violations-title" className="space-y-2 break-inside-avoid">
      <h2 id="violations-title" className="text-sm font-semibold text-slate-800">
        Rule violations
      </h2>
      <DataTable
        label="Rule violations"
        columns={columns}
        rows={r.violations}
        rowKey={(v) => `${v.kind}:${v.column}:${v.rule}`}
        empty={<p className="text-center text-sm text-slate-500">No row broke a rule.</p>}
      />
    </section>
  );
}

function range(p: Profile) {
  if (p.min === undefined) return p.minLength != null ? `${p.minLength}–${p.maxLength} chars` : null;
  return p.min === null ? null : `${p.min} – ${p.max}`;
}

function Profiles({ r }: { r: Report }) {
  const columns: Column<Profile>[] = [
    {
      header: "Column",
      cell: (p) => (
        <div>
          <p className="font-medium text-slate-900">{p.column}</p>
          <p className="font-mono text-xs text-slate-400">{p.type}</p>
        </div>
      ),
    },
    {
      header: "Null %",
      className: "text-right",
      cell: (p) => (
        <span className={`tabular-nums ${p.nullPercent > 0 ? "text-amber-700" : "text-slate-500"}`}>
          {p.nullPercent}%{p.empty ? <span className="block text-xs">{p.empty} empty</span> : null}
        </span>
      ),
    },
    {
      header: "Distinct",
      className: "text-right",
      cell: (p) => <span className="tabular-nums">{formatCount(p.distinct)}</span>,
    },
    {
      header: "Range",
      cell: (p) => (
        <span className="block max-w-44 whitespace-normal font-mono text-xs">{range(p) ?? none}</span>
      ),
    },
    {
      header: "p5 · p25 · p50 · p75 · p95",
      cell: (p) =>
        p.percentiles ? (
          <span className="block max-w-52 whitespace-normal font-mono text-xs leading-snug">
            {Object.values(p.percentiles)
              .map((v) => (v && v.length > 12 ? v.slice(0, 10) : v))
              .join(" · ")}
            {p.mean != null && (
              <span className="block text-slate-400">mean {Math.round(p.mean * 100) / 100}</span>
            )}
          </span>
        ) : (
          none
        ),
    },
    {
      header: "Distribution",
      cell: (p) =>
        p.histogram ? (
          <MiniHistogram
            counts={p.histogram.counts}
            label={`${p.column}: 10 buckets from ${p.histogram.lo} to ${p.histogram.hi}`}
          />
        ) : p.patterns?.length ? (
          <ul className="font-mono text-xs text-slate-600">
            {p.patterns.slice(0, 3).map((s) => (
              <li key={s.pattern}>
                {s.pattern} <span className="text-slate-400">×{formatCount(s.count)}</span>
              </li>
            ))}
          </ul>
        ) : (
          none
        ),
    },
    {
      header: "Top values",
      grow: true,
      cell: (p) => (
        <Truncate className="text-xs text-slate-600">
          {p.top
            .slice(0, 4)
            .map((t) => `${t.value} (${formatCount(t.count)})`)
            .join(", ") || "—"}
        </Truncate>
      ),
    },
    {
      header: "Invalid",
      cell: (p) =>
        Object.keys(p.invalid).length ? (
          <span className="text-xs text-red-700">
            {Object.entries(p.invalid)
              .map(([rule, n]) => `${rule} ${n}`)
              .join(", ")}
          </span>
        ) : (
          none
        ),
    },
  ];
  return (
    <section aria-labelledby="profiles-title" className="space-y-2">
      <h2 id="profiles-title" className="text-sm font-semibold text-slate-800">
        Column profiles{" "}
        <span className="font-normal text-slate-500">of the {formatCount(r.rows)} staged rows</span>
      </h2>
      <DataTable label="Column profiles" columns={columns} rows={r.profiles} rowKey={(p) => p.column} />
      <p className="text-xs text-slate-500">
        Shapes: A = capital letters, a = small letters, 9 = digits (runs collapsed). Percentiles are
        nearest-rank; histograms have 10 equal-width buckets from min to max. All counts are exact.
      </p>
    </section>
  );
}

function DriftSection({ r }: { r: Report }) {
  const d = r.drift;
  if (!d) {
    return (
      <section aria-labelledby="drift-title" className="space-y-2">
        <h2 id="drift-title" className="text-sm font-semibold text-slate-800">
          Drift
        </h2>
        <p className="rounded-lg border border-slate-200 bg-white px-4 py-6 text-center text-sm text-slate-500">
          No batch of {r.dataset} was in production when this report was computed: nothing to compare with
          yet.
        </p>
      </section>
    );
  }
  const moved = "bg-amber-50 font-semibold text-amber-800";
  const columns: Column<ColumnDrift>[] = [
    { header: "Column", cell: (c) => <span className={c.moved ? "font-semibold" : ""}>{c.column}</span> },
    {
      header: "Null %",
      cell: (c) => (
        <span className={`rounded px-1 tabular-nums ${c.nullPercent.moved ? moved : ""}`}>
          {c.nullPercent.before}% → {c.nullPercent.after}%
        </span>
      ),
    },
    {
      header: "Distinct",
      cell: (c) => (
        <span className={`rounded px-1 tabular-nums ${c.distinct.moved ? moved : ""}`}>
          {formatCount(c.distinct.before)} → {formatCount(c.distinct.after)}
          {c.distinct.changePercent !== null &&
            ` (${c.distinct.changePercent > 0 ? "+" : ""}${c.distinct.changePercent}%)`}
        </span>
      ),
    },
    {
      header: "Distribution (PSI)",
      cell: (c) =>
        c.psi ? (
          <span className={`rounded px-1 tabular-nums ${c.psi.moved ? moved : ""}`}>
            {c.psi.value} {c.psi.level}
          </span>
        ) : (
          none
        ),
    },
    {
      header: "New values",
      grow: true,
      cell: (c) =>
        c.newValues?.length ? (
          <Truncate className={`rounded px-1 text-xs ${moved}`}>
            {c.newValues.map((v) => `${v.value} (${v.count})`).join(", ")}
          </Truncate>
        ) : (
          none
        ),
    },
  ];
  return (
    <section aria-labelledby="drift-title" className="space-y-2 break-inside-avoid">
      <h2 id="drift-title" className="text-sm font-semibold text-slate-800">
        Drift{" "}
        <span className="font-normal text-slate-500">
          against {d.against.fileName ?? d.against.batchId.slice(0, 8)}, promoted{" "}
          <DateTime value={d.against.promotedAt} format="ago" />
        </span>
      </h2>
      <div
        data-testid="drift-summary"
        className={`rounded-lg border px-4 py-3 text-sm ${d.moved.length ? "border-amber-300 bg-amber-50" : "border-slate-200 bg-white"}`}
      >
        <p className={d.rows.moved ? "font-semibold text-amber-800" : "text-slate-700"}>
          Rows {formatCount(d.rows.before)} → {formatCount(d.rows.after)}
          {d.rows.changePercent !== null &&
            ` (${d.rows.changePercent > 0 ? "+" : ""}${d.rows.changePercent}%)`}
        </p>
        {d.moved.length ? (
          <ul className="mt-1 list-inside list-disc text-amber-900">
            {d.moved.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        ) : (
          <p className="mt-1 text-slate-500">Nothing moved past its threshold.</p>
        )}
      </div>
      <DataTable label="Drift by column" columns={columns} rows={d.columns} rowKey={(c) => c.column} />
      <p className="text-xs text-slate-500">Compared {d.how}.</p>
    </section>
  );
}
