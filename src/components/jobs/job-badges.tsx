import { Badge } from "../ui/badge";

const STATUS_TONE = {
  queued: "neutral",
  running: "info",
  succeeded: "good",
  failed: "bad",
  cancelled: "warn",
} as const;

/** A job's status as a coloured pill; running ones pulse so a live page reads as live. */
export function JobStatusBadge({ status, testId }: { status: string; testId?: string }) {
  const tone = STATUS_TONE[status as keyof typeof STATUS_TONE] ?? "neutral";
  return (
    <span data-testid={testId} className="inline-flex">
      <Badge tone={tone}>
        {status === "running" && (
          <span aria-hidden className="mr-1 h-1.5 w-1.5 animate-pulse rounded-full bg-teal-600" />
        )}
        {status}
      </Badge>
    </span>
  );
}

const PRIORITY_STYLE: Record<string, string> = {
  emergency: "text-red-700 font-semibold",
  high: "text-amber-700 font-medium",
  standard: "text-slate-600",
  background: "text-slate-400",
};

/** Priority as a word, weighted by urgency (emergency stands out, background recedes). */
export function PriorityLabel({ priority }: { priority: string }) {
  return <span className={`text-xs ${PRIORITY_STYLE[priority] ?? "text-slate-600"}`}>{priority}</span>;
}

const STATE_TONE = {
  waiting: "neutral",
  scheduled: "neutral",
  running: "info",
  retrying: "warn",
  failed: "bad",
  succeeded: "good",
  cancelled: "warn",
} as const;

const STATE_WORDS: Record<string, string> = { scheduled: "scheduled", failed: "failed for good" };

/** The finer state operators read: waiting, scheduled for later, running, retrying, failed for good… */
export function JobStateBadge({ state, testId }: { state: string; testId?: string }) {
  const tone = STATE_TONE[state as keyof typeof STATE_TONE] ?? "neutral";
  return (
    <span data-testid={testId} className="inline-flex">
      <Badge tone={tone}>
        {state === "running" && (
          <span aria-hidden className="mr-1 h-1.5 w-1.5 animate-pulse rounded-full bg-teal-600" />
        )}
        {STATE_WORDS[state] ?? state}
      </Badge>
    </span>
  );
}
