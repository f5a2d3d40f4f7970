"use client";

import { formatDuration } from "@/format";
import { Panel } from "../ui/panel";
import { DepthTable, depthDescription, type Overview } from "./depth-table";
import { WorkerFleet } from "./worker-fleet";

/**
 * For operators on the Overview: the queue's depth by priority and state, and the worker fleet,
 * from the page's one live stream (each message a whole snapshot, so a reconnect is current at once).
 */
export function LiveQueue({ o }: { o: Overview | undefined }) {
  return (
    <div className="space-y-4">
      <Panel title="Queue" description={depthDescription(o, formatDuration)}>
        <DepthTable o={o} label="Queue depth by priority" />
      </Panel>
      <WorkerFleet workers={o?.workers} />
    </div>
  );
}
