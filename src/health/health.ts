import { pool } from "@/db/pool";
import { countLiveWorkers } from "@/queue/worker-registry";

export interface Health {
  /** `ok` needs the database reachable and at least one live worker. */
  status: "ok" | "degraded" | "down";
  database: "ok" | "unreachable";
  workers: number;
  checkedAt: string;
}

export async function getHealth(): Promise<Health> {
  const checkedAt = new Date().toISOString();
  try {
    const workers = await countLiveWorkers(pool());
    return { status: workers > 0 ? "ok" : "degraded", database: "ok", workers, checkedAt };
  } catch {
    return { status: "down", database: "unreachable", workers: 0, checkedAt };
  }
}
