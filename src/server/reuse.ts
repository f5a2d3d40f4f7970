/**
 * A computation shared by every caller in this process: each key's promise is handed out again
 * while it is under `maxAgeMs` old, so ten open consoles cost the database what one does. A
 * failed computation is forgotten at once, so the next caller tries again.
 */
export function reusedFor<T, K = null>(): (
  key: K,
  maxAgeMs: number,
  compute: () => Promise<T>,
) => Promise<T> {
  const latest = new Map<K, { at: number; value: Promise<T> }>();
  return (key, maxAgeMs, compute) => {
    const hit = latest.get(key);
    if (hit && Date.now() - hit.at < maxAgeMs) return hit.value;
    const value = compute();
    latest.set(key, { at: Date.now(), value });
    value.catch(() => {
      if (latest.get(key)?.value === value) latest.delete(key);
    });
    return value;
  };
}
