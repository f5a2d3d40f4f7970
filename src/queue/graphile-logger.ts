import { Logger } from "graphile-worker";

const RANK: Record<string, number> = { debug: 0, info: 1, warning: 2, error: 3 };

/** Graphile Worker's logs, prefixed and filtered to `minLevel` and above. */
export function graphileLogger(minLevel: "debug" | "info" | "warning" | "error" = "info"): Logger {
  return new Logger((scope) => (level, message) => {
    if ((RANK[level] ?? 0) < (RANK[minLevel] ?? 0)) return;
    const where = scope.label ? `graphile-worker:${scope.label}` : "graphile-worker";
    const line = `[${where}] ${message}`;
    if (level === "error") console.error(line);
    else if (level === "warning") console.warn(line);
    else console.log(line);
  });
}
