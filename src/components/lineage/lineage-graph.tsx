import Link from "next/link";
import { formatBytes, formatCount, plural } from "@/format";
import type { RouterOutputs } from "@/trpc/react";
import { Badge } from "../ui/badge";
import { DateTime } from "../ui/date-time";

type Lineage = RouterOutputs["batches"]["lineage"];

/** The quality report page of a batch. */
export const qualityReportHref = (batchId: string) => `/quality/batches/${batchId}`;

type Tone = "done" | "pending" | "bad";

const NODE_TONE: Record<Tone, string> = {
  done: "border-slate-300 bg-white hover:border-teal-600",
  pending: "border-dashed border-slate-300 bg-slate-50 text-slate-500 hover:border-slate-400",
  bad: "border-red-300 bg-red-50/40 hover:border-red-500",
};

/** One step of the chain: a card that is a link to where that thing is shown. */
function Node({
  kind,
  title,
  href,
  tone = "done",
  badge,
  children,
  testId,
}: {
  kind: string;
  title: string;
  href: string;
  tone?: Tone;
  badge?: React.ReactNode;
  children?: React.ReactNode;
  testId?: string;
}) {
  const Anchor = href.startsWith("/api/") ? "a" : Link;
  return (
    <Anchor
      href={href}
      data-testid={testId}
      aria-label={`${kind}: ${title}`}
      className={`group block min-w-0 rounded-lg lg:flex-1 lg:basis-0 border-2 px-3 py-2.5 shadow-sm outline-none transition-colors focus-visible:ring-2 focus-visible:ring-teal-600/40 ${NODE_TONE[tone]}`}
    >
      <span className="flex flex-wrap items-center justify-between gap-x-2 gap-y-0.5">
        <span className="text-[11px] font-semibold uppercase tracking-wide text-slate-500">{kind}</span>
        {badge}
      </span>
      <span
        className="mt-0.5 line-clamp-2 break-all text-sm font-semibold text-slate-900 group-hover:text-teal-800"
        title={title}
      >
        {title}
      </span>
      {children && <span className="mt-1 block space-y-0.5 text-xs text-slate-600">{children}</span>}
    </Anchor>
  );
}

/** The edge between two steps: right-pointing beside each other, down-pointing when stacked. */
function Edge({ label }: { label: string }) {
  return (
    <div aria-hidden className="flex shrink-0 items-center justify-center self-center py-1 lg:px-1 lg:py-0">
      <svg viewBox="0 0 40 16" className="h-4 w-10 rotate-90 text-slate-400 lg:rotate-0" role="presentation">
        <title>{label}</title>
        <line x1="0" y1="8" x2="32" y2="8" stroke="currentColor" strokeWidth="2" />
        <path d="M30 3 L38 8 L30 13 Z" fill="currentColor" />
      </svg>
    </div>
  );
}

const Line = ({ children }: { children: React.ReactNode }) => (
  <span className="block break-words">{children}</span>
);

/**
 * A batch's lineage as a graph: upload → job → batch → quality report → promotion(s) → production,
 * left to right (top to bottom on narrow screens). Every node links to the page that shows it;
 * steps not reached yet are drawn dashed and link to where they happen.
 */
export function LineageGraph({ lineage: l, row }: { lineage: Lineage; row?: Lineage["row"] }) {
  const jobHref = `/jobs/${l.job.id}`;
  const promotions = l.promotions;
  const q = l.quality;
  return (
    <figure
      aria-label="Lineage graph"
      className="overflow-x-auto rounded-lg border border-slate-200 bg-slate-50/60 p-4"
    >
      <div className="flex flex-col items-stretch lg:flex-row">
        <Node kind="Upload" title={l.upload.fileName} href={`${jobHref}#upload`} testId="lineage-upload">
          <Line>
            {formatBytes(l.upload.bytes)} · by {l.upload.uploadedBy}
          </Line>
          <Line>
            <DateTime value={l.upload.uploadedAt} />
          </Line>
          <code className="block truncate font-mono text-[11px] text-slate-500" title={l.upload.sha256}>
            sha256 {l.upload.sha256.slice(0, 16)}…
          </code>
        </Node>
        <Edge label="loaded by" />
        <Node
          kind="Job"
          title={l.job.id.slice(0, 8)}
          href={jobHref}
          testId="lineage-job"
          tone={l.job.status === "failed" ? "bad" : "done"}
          badge={
            <Badge
              tone={l.job.status === "succeeded" ? "good" : l.job.status === "failed" ? "bad" : "neutral"}
            >
              {l.job.status}
            </Badge>
          }
        >
          <Line>{l.job.type}</Line>
          <Line>
            finished <DateTime value={l.job.finishedAt} fallback="not yet" />
          </Line>
        </Node>
        <Edge label="staged" />
        <Node
          kind="Batch"
          title={l.batch.id.slice(0, 8)}
          href={`${jobHref}#batch-rows`}
          testId="lineage-batch"
          badge={<Badge tone={l.batch.status === "staged" ? "info" : "neutral"}>{l.batch.status}</Badge>}
        >
          <Line>
            {formatCount(l.batch.valid)} staged · {formatCount(l.batch.rejected)} rejected
          </Line>
          <Line>
            staged <DateTime value={l.batch.stagedAt} fallback="not yet" />
          </Line>
        </Node>
        <Edge label="checked" />
        <Node
          kind="Quality report"
          title={q ? `${q.overall} / 100` : "not computed yet"}
          href={qualityReportHref(l.batch.id)}
          testId="lineage-quality"
          tone={!q ? "pending" : q.passed ? "done" : "bad"}
          badge={q && <Badge tone={q.passed ? "good" : "bad"}>{q.passed ? "passed" : "failed"}</Badge>}
        >
          {q && <Line>gate {q.minScore}</Line>}
          {q && (
            <Line>
              <DateTime value={q.computedAt} />
            </Line>
          )}
        </Node>
        <Edge label="promoted" />
        <div className="flex min-w-0 flex-col gap-2 lg:flex-1 lg:basis-0" data-testid="lineage-promotions">
          {promotions.length === 0 && (
            <Node kind="Promotion" title="not promoted" href="/promotions" tone="pending">
              <Line>waiting on the promotions page</Line>
            </Node>
          )}
          {promotions.map((p) => (
            <Node
              key={p.id}
              kind={p.auto ? "Auto-promotion" : "Promotion"}
              title={`${p.mode} · ${p.id.slice(0, 8)}`}
              href={`/datasets/${l.dataset.name}/history#promotion-${p.id}`}
              tone={p.status === "applied" ? "done" : "pending"}
              badge={<Badge tone={p.status === "applied" ? "good" : "neutral"}>{p.status}</Badge>}
            >
              <Line>
                +{formatCount(p.inserted)} · ~{formatCount(p.updated)}
                {p.deleted ? ` · −${formatCount(p.deleted)}` : ""}
              </Line>
              <Line>
                by {p.createdBy} · <DateTime value={p.createdAt} format="ago" />
              </Line>
              {p.revertedAt && (
                <Line>
                  reverted <DateTime value={p.revertedAt} format="ago" />
                </Line>
              )}
            </Node>
          ))}
        </div>
        <Edge label="into" />
        <Node
          kind={row ? "Production row" : "Production"}
          title={row ? Object.values(row.key).join(", ") : `production.${l.dataset.name}`}
          href={`/datasets/${l.dataset.name}#production`}
          testId="lineage-production"
          tone={l.production.inProduction || row ? "done" : "pending"}
        >
          {row ? (
            <>
              <Line>in production.{l.dataset.name}</Line>
              <Line>
                written <DateTime value={row.updatedAt} format="ago" />
              </Line>
            </>
          ) : (
            <Line>{plural(l.production.rowsFromBatch, "row")} last written by this batch</Line>
          )}
        </Node>
      </div>
    </figure>
  );
}
