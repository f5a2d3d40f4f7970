function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** `2026-01-05 14:03` (or with `:07` seconds), in the viewer's time zone: short and sortable. */
export function formatDateTime(date: Date, seconds = false): string {
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}${seconds ? `:${pad(date.getSeconds())}` : ""}`;
  return `${day} ${time}`;
}

/** `just now`, `5 min ago`, `3 h ago`, `2 days ago`; the date after a month. */
export function formatAgo(date: Date, now = Date.now()): string {
  const minutes = Math.floor((now - date.getTime()) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days < 31) return days === 1 ? "yesterday" : `${days} days ago`;
  return formatDateTime(date).slice(0, 10);
}

const FORMATS = {
  minutes: (d: Date) => formatDateTime(d),
  seconds: (d: Date) => formatDateTime(d, true),
  date: (d: Date) => formatDateTime(d).slice(0, 10),
  ago: (d: Date) => formatAgo(d),
};

/**
 * A timestamp, compact, in local time, with the full instant on hover; `fallback` when there is
 * none. `ago` suits "last used"-style columns, `date` creation dates, `seconds` logs.
 */
export function DateTime({
  value,
  format = "minutes",
  fallback = "—",
}: {
  value: Date | string | null | undefined;
  format?: keyof typeof FORMATS;
  fallback?: string;
}) {
  if (!value) return <span className="text-slate-400">{fallback}</span>;
  const date = typeof value === "string" ? new Date(value) : value;
  return (
    <time
      dateTime={date.toISOString()}
      title={`${formatDateTime(date, true)} ${Intl.DateTimeFormat().resolvedOptions().timeZone}`}
      className="whitespace-nowrap tabular-nums"
      suppressHydrationWarning
    >
      {FORMATS[format](date)}
    </time>
  );
}
