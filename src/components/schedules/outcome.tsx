import { Badge } from "../ui/badge";

const TONE = {
  succeeded: "good",
  failed: "bad",
  cancelled: "warn",
  skipped: "neutral",
  running: "info",
  queued: "info",
} as const;

const WORD: Record<string, string> = {
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
  skipped: "skipped",
  running: "running",
  queued: "queued",
  fetched: "fetched",
  unchanged: "unchanged",
};

/** A run's, a step's or a pull's outcome as a pill; "never run" when there is none yet. */
export function OutcomeBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <span className="text-xs text-slate-400">never run</span>;
  const tone =
    status === "fetched"
      ? "good"
      : status === "unchanged"
        ? "neutral"
        : (TONE[status as keyof typeof TONE] ?? "neutral");
  return <Badge tone={tone}>{WORD[status] ?? status}</Badge>;
}

/** Task names as people read them: `promote_batch` → "promote batch". */
export function taskLabel(task: string): string {
  return task === "pull_source" ? "pull" : task.replaceAll("_", " ");
}
