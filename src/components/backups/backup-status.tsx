import type { RouterOutputs } from "@/trpc/react";
import { Badge } from "../ui/badge";

export type Backup = RouterOutputs["backups"]["list"][number];

export function BackupStatusBadge({ backup }: { backup: Backup }) {
  switch (backup.status) {
    case "succeeded":
      return <Badge tone="good">succeeded</Badge>;
    case "failed":
      return <Badge tone="bad">failed</Badge>;
    case "running":
      return <Badge tone="info">running</Badge>;
    default:
      return <Badge>queued</Badge>;
  }
}

/** Verified / verify failed / not verified yet, with the recorded message on hover. */
export function VerifyBadge({ backup }: { backup: Backup }) {
  if (backup.verifyOk === null) return <span className="text-xs text-slate-400">not verified</span>;
  return (
    <span title={backup.verifyMessage ?? undefined}>
      {backup.verifyOk ? <Badge tone="good">verified</Badge> : <Badge tone="bad">verify failed</Badge>}
    </span>
  );
}
