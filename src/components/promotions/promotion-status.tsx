import { Badge } from "../ui/badge";

/** Whether a promotion is in production now (applied) or was taken back (reverted). */
export function PromotionStatusBadge({ status }: { status: string }) {
  return (
    <span data-testid="promotion-status" className="inline-flex">
      <Badge tone={status === "applied" ? "good" : "neutral"}>{status}</Badge>
    </span>
  );
}

/** What a promotion mode does to production, as the end of a sentence. */
export function describeMode(mode: string, key: string[] = []): string {
  const matched = `rows are matched on ${key.join(", ") || "the natural key"}; matching rows are updated, new keys inserted`;
  if (mode === "replace") {
    return key.length
      ? `${matched}, and production rows not in the batch are deleted`
      : "production is emptied and the batch's rows are added";
  }
  if (mode === "append") return "the dataset has no natural key, so every row of the batch is added";
  return `${matched}, and production rows not in the batch are kept`;
}

/** A promotion's duration: milliseconds are the usual scale, so they are shown as such. */
export function formatMilliseconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
