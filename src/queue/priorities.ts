import { z } from "zod";

/**
 * Sluice's four queues, mapped onto Graphile Worker's numeric priority (lower runs first), with
 * gaps so finer levels can be added without renumbering.
 */
export const PRIORITIES = ["emergency", "high", "standard", "background"] as const;
export const prioritySchema = z.enum(PRIORITIES);
export type Priority = z.infer<typeof prioritySchema>;

export const GRAPHILE_PRIORITY: Record<Priority, number> = {
  emergency: -100,
  high: -10,
  standard: 0,
  background: 10,
};

export function priorityFromGraphile(n: number): Priority {
  if (n <= GRAPHILE_PRIORITY.emergency) return "emergency";
  if (n < GRAPHILE_PRIORITY.standard) return "high";
  if (n === GRAPHILE_PRIORITY.standard) return "standard";
  return "background";
}
