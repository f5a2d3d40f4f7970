import type { JobHelpers, Task } from "graphile-worker";
import { type SystemTaskName, type SystemTaskPayload, systemTaskPayloads } from "@/queue/tasks";

/**
 * A housekeeping task (metrics, alerts, webhooks): its payload checked against its one schema; no
 * Sluice job to keep in step. A thrown error is retried by Graphile Worker with its backoff.
 */
export function systemTask<T extends SystemTaskName>(
  name: T,
  body: (payload: SystemTaskPayload<T>, helpers: JobHelpers) => Promise<void>,
): Task {
  return async (raw, helpers) => {
    const parsed = systemTaskPayloads[name].safeParse(raw ?? {});
    if (!parsed.success) {
      helpers.logger.error(`${name}: invalid payload: ${parsed.error.message}`);
      return;
    }
    await body(parsed.data as SystemTaskPayload<T>, helpers);
  };
}
