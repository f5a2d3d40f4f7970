/**
 * Next calls this once per web server process at start. The web server evaluates alert rules as a
 * fallback when no worker has for a while: "no worker alive" can only be noticed by someone who
 * is not a worker.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startAlertWatch } = await import("@/alerts/web-watch");
  startAlertWatch();
}
