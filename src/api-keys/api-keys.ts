import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/audit/audit";
import type { Actor } from "@/auth/actor";
import { type Role, roleSchema } from "@/auth/roles";
import { db } from "@/db/prisma";
import { AppError } from "@/server/errors";

/**
 * API keys look like `sluice_<id>_<secret>`: the `sluice_<id>` prefix is stored in clear to find
 * the key and show it in lists; the whole key is stored only as its SHA-256 and shown once.
 */
const KEY_PATTERN = /^(sluice_[a-z0-9]{10})_([A-Za-z0-9_-]{43})$/;

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, "Give the key a name").max(100),
  role: roleSchema,
});

function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export async function createApiKey(input: z.input<typeof createApiKeyInput>, actor: Actor) {
  const data = createApiKeyInput.parse(input);
  const id = randomBytes(10)
    .toString("base64url")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "0")
    .slice(0, 10);
  const prefix = `sluice_${id}`;
  const key = `${prefix}_${randomBytes(32).toString("base64url")}`;
  const created = await db().$transaction(async (tx) => {
    const row = await tx.apiKey.create({
      data: {
        name: data.name,
        role: data.role,
        prefix,
        keyHash: sha256(key),
        createdById: actor.kind === "user" ? actor.id : null,
      },
    });
    await recordAudit(
      actor,
      "api_key.create",
      { type: "api_key", id: row.id },
      { name: row.name, role: row.role },
      tx,
    );
    return row;
  });
  return { id: created.id, name: created.name, role: created.role, prefix, key };
}

export function listApiKeys() {
  return db().apiKey.findMany({
    select: {
      id: true,
      name: true,
      prefix: true,
      role: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      createdBy: { select: { email: true } },
    },
    orderBy: { createdAt: "desc" },
  });
}

export async function revokeApiKey(id: string, actor: Actor): Promise<void> {
  await db().$transaction(async (tx) => {
    const key = await tx.apiKey.findUnique({ where: { id } });
    if (!key) throw new AppError("NOT_FOUND", "No such API key");
    if (key.revokedAt) return;
    await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    await recordAudit(actor, "api_key.revoke", { type: "api_key", id }, { name: key.name }, tx);
  });
}

export async function setApiKeyRole(id: string, role: Role, actor: Actor): Promise<void> {
  await db().$transaction(async (tx) => {
    const key = await tx.apiKey.findUnique({ where: { id } });
    if (!key) throw new AppError("NOT_FOUND", "No such API key");
    if (key.revokedAt) throw new AppError("CONFLICT", "This key is revoked; create a new one");
    await tx.apiKey.update({ where: { id }, data: { role } });
    await recordAudit(actor, "api_key.set_role", { type: "api_key", id }, { from: key.role, to: role }, tx);
  });
}

/** Last-used times are written at most once a minute per key, not on every request. */
const LAST_USED_GRANULARITY_MS = 60_000;

/** The actor for a presented key, or null when the key is unknown, malformed or revoked. */
export async function authenticateApiKey(presented: string, ip: string | null): Promise<Actor | null> {
  const match = KEY_PATTERN.exec(presented);
  if (!match) return null;
  const key = await db().apiKey.findUnique({ where: { prefix: match[1] } });
  if (!key || key.revokedAt) return null;
  const expected = Buffer.from(key.keyHash, "hex");
  const actual = Buffer.from(sha256(presented), "hex");
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    await db().apiKey.update({ where: { id: key.id }, data: { lastUsedAt: new Date() } });
  }
  return { kind: "api-key", id: key.id, name: key.name, role: key.role, ip };
}
