import type pg from "pg";
import type { Actor } from "@/auth/actor";
import { actorLabel } from "@/auth/actor";
import { db } from "@/db/prisma";
import type { Prisma } from "@/generated/prisma/client";

export interface AuditTarget {
  type: string;
  id: string;
}

/** Where the event is written: a Prisma transaction, or a pg client inside its own transaction. */
type Tx = Pick<Prisma.TransactionClient, "auditEvent"> | Pick<pg.ClientBase, "query">;

/** Appends one audit event. Pass the transaction of the change so the two commit or fail together. */
export async function recordAudit(
  actor: Actor,
  action: string,
  target: AuditTarget | null,
  details?: Prisma.InputJsonValue,
  tx: Tx = db(),
): Promise<void> {
  const event = {
    actorId: actor.kind === "system" ? null : actor.id,
    actor: actorLabel(actor),
    action,
    targetType: target?.type ?? null,
    targetId: target?.id ?? null,
    ip: actor.ip,
  };
  if ("query" in tx) {
    await tx.query(
      `INSERT INTO app.audit_events (actor_id, actor, action, target_type, target_id, ip, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        event.actorId,
        event.actor,
        event.action,
        event.targetType,
        event.targetId,
        event.ip,
        details === undefined ? null : JSON.stringify(details),
      ],
    );
    return;
  }
  await tx.auditEvent.create({ data: { ...event, details } });
}

export async function listAuditEvents(opts: { limit: number; cursor?: bigint }) {
  const events = await db().auditEvent.findMany({
    where: opts.cursor ? { id: { lt: opts.cursor } } : undefined,
    orderBy: { id: "desc" },
    take: opts.limit + 1,
  });
  const page = events.slice(0, opts.limit);
  return {
    events: page.map((e) => ({ ...e, id: e.id.toString() })),
    nextCursor: events.length > opts.limit ? page.at(-1)?.id.toString() : undefined,
  };
}
