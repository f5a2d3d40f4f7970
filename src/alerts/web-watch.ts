import { evaluateAlerts } from "./evaluate";

const CHECK_EVERY_MS = 60_000;
/** Workers evaluate every minute; when none has for this long, the web server does it. */
const WORKERS_IDLE_SECONDS = 150;

const globalForWatch = globalThis as unknown as { sluiceAlertWatch?: NodeJS.Timeout };

export function startAlertWatch(): void {
  if (globalForWatch.sluiceAlertWatch || !process.env.DATABASE_URL) return;
  const tick = () =>
    evaluateAlerts({ ifIdleSeconds: WORKERS_IDLE_SECONDS }).catch((err: Error) =>
      console.error(`[alerts] fallback evaluation failed: ${err.message}`),
    );
  globalForWatch.sluiceAlertWatch = setInterval(tick, CHECK_EVERY_MS);
  globalForWatch.sluiceAlertWatch.unref();
}
