import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  authenticateApiKey,
  createApiKey,
  listApiKeys,
  revokeApiKey,
  setApiKeyRole,
} from "@/api-keys/api-keys";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { makeApiKey, makeUser, setUpTestDatabase } from "../../test/database";

setUpTestDatabase();

describe("API keys", () => {
  it("authenticates a freshly created key as an actor with the key's role", async () => {
    const { actor: admin } = await makeUser({ role: "admin" });
    const created = await createApiKey({ name: "nightly loader", role: "operator" }, admin);

    expect(created.key).toMatch(/^sluice_[a-z0-9]{10}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(`${created.prefix}_`)).toBe(true);
    expect(await authenticateApiKey(created.key, "198.51.100.4")).toEqual({
      kind: "api-key",
      id: created.id,
      name: "nightly loader",
      role: "operator",
      ip: "198.51.100.4",
    });
  });

  it("stores only the key's sha256, never the key itself", async () => {
    const { key, id } = await makeApiKey("analyst");

    const { rows } = await pool().query("SELECT * FROM app.api_keys WHERE id = $1", [id]);
    const row = rows[0] as Record<string, unknown>;
    expect(row.key_hash).toBe(createHash("sha256").update(key).digest("hex"));
    const secret = key.split("_").slice(2).join("_");
    for (const value of Object.values(row)) {
      expect(String(value)).not.toContain(secret);
    }
    // Lists show the prefix to recognise a key by, not the key.
    const listed = (await listApiKeys()).find((k) => k.id === id);
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(listed?.prefix).toBe(key.split("_").slice(0, 2).join("_"));
  });

  it("refuses a revoked API key", async () => {
    const { actor: admin } = await makeUser({ role: "admin" });
    const { key, id } = await makeApiKey("admin");
    expect(await authenticateApiKey(key, null)).not.toBeNull();

    await revokeApiKey(id, admin);

    expect(await authenticateApiKey(key, null)).toBeNull();
    expect((await listApiKeys()).find((k) => k.id === id)?.revokedAt).toBeInstanceOf(Date);
  });

  it("refuses malformed and unknown keys", async () => {
    const { key } = await makeApiKey("admin");
    const unknown = `${key.slice(0, "sluice_".length)}zzzzzzzzzz${key.slice("sluice_".length + 10)}`;
    const wrongSecret = `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;

    for (const presented of ["", "sluice", "not-a-key", `${key}x`, key.slice(0, -1), unknown, wrongSecret]) {
      expect(await authenticateApiKey(presented, null), presented).toBeNull();
    }
  });

  it("records when a key was last used", async () => {
    const { key, id } = await makeApiKey("analyst");
    expect((await db().apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt).toBeNull();

    const before = Date.now();
    await authenticateApiKey(key, null);

    const lastUsedAt = (await db().apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt;
    expect(lastUsedAt).toBeInstanceOf(Date);
    expect(lastUsedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it("applies a role change to the next request made with the key", async () => {
    const { actor: admin } = await makeUser({ role: "admin" });
    const { key, id } = await makeApiKey("analyst");

    await setApiKeyRole(id, "admin", admin);

    expect(await authenticateApiKey(key, null)).toMatchObject({ id, role: "admin" });
  });

  it("refuses a role change on a revoked key", async () => {
    const { actor: admin } = await makeUser({ role: "admin" });
    const { id } = await makeApiKey("analyst");
    await revokeApiKey(id, admin);

    await expect(setApiKeyRole(id, "admin", admin)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("records creating, re-roling and revoking a key in the audit log, without the key", async () => {
    const { user, actor: admin } = await makeUser({ role: "admin" });
    const created = await createApiKey({ name: "audited", role: "analyst" }, admin);
    await setApiKeyRole(created.id, "operator", admin);
    await revokeApiKey(created.id, admin);

    const events = await db().auditEvent.findMany({
      where: { targetType: "api_key", targetId: created.id },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => [e.action, e.actorId])).toEqual([
      ["api_key.create", user.id],
      ["api_key.set_role", user.id],
      ["api_key.revoke", user.id],
    ]);
    expect(JSON.stringify(events.map((e) => e.details))).not.toContain(created.key);
  });
});
