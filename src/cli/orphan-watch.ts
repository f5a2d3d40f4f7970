/**
 * npm runs scripts through `sh -c`, and `sh` does not pass SIGTERM on: when a supervisor stops
 * `npm start` with SIGTERM, npm and sh exit and this process is silently re-parented. Watching for
 * that (the parent pid changing) lets it shut down as cleanly as on a signal, instead of running on
 * as an orphan. Output to the dead parent's pipe would also fail (EPIPE), which must not crash the
 * shutdown.
 */
export function onOrphaned(shutdown: (reason: string) => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      shutdown("parent process exited");
    }
  }, 1000);
  timer.unref();
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
}
