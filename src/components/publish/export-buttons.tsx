import { buttonClasses } from "../ui/button";

const FORMATS = [
  { format: "csv", label: "CSV", title: "Comma-separated values; cells that look like formulas are defused" },
  { format: "jsonl", label: "JSON Lines", title: "One JSON object per line" },
  { format: "parquet", label: "Parquet", title: "Typed, compressed columns for analytics tools" },
] as const;

/**
 * Download buttons for a production dataset or a batch, one per format. Plain links to the REST
 * door (the session cookie authenticates them), so the browser streams the file to disk itself.
 */
export function ExportButtons({
  source,
  label,
  masked = false,
}: {
  source: { dataset: string } | { batchId: string };
  label: string;
  /** Whether some columns will arrive masked for this viewer (said next to the buttons). */
  masked?: boolean;
}) {
  const base =
    "dataset" in source
      ? `/api/v1/datasets/${source.dataset}/export`
      : `/api/v1/batches/${source.batchId}/export`;
  return (
    // biome-ignore lint/a11y/useSemanticElements: a group of links, not a form fieldset
    <div role="group" aria-label={label} className="flex flex-wrap items-center gap-1.5">
      <span className="text-xs text-slate-500">Download</span>
      {FORMATS.map((f) => (
        <a
          key={f.format}
          href={`${base}?format=${f.format}`}
          download
          title={f.title}
          className={buttonClasses("secondary", "sm")}
        >
          {f.label}
        </a>
      ))}
      {masked && (
        <span
          className="text-xs text-amber-700"
          title="Your role sees personal data masked, in downloads too"
        >
          personal data masked
        </span>
      )}
    </div>
  );
}
