import { describe, expect, it } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { verifyPassword } from "@/auth/password";
import { db } from "@/db/prisma";
import { AppError } from "@/server/errors";
import { createUser, ensureFirstAdmin, listUsers, setUserDisabled, setUserRole } from "@/users/users";
import { makeUser, setUpTestDatabase, uniqueEmail } from "../../test/database";

setUpTestDatabase();

async function auditTrail(targetId: string) {
  return db().auditEvent.findMany({ where: { targetType: "user", targetId }, orderBy: { id: "asc" } });
}

describe("first admin", () => {
  // Runs first, while the users table is still empty.
  it("creates one admin with a generated password that signs in, on an empty users table", async () => {
    expect(await db().user.count()).toBe(0);

    const first = await ensureFirstAdmin("founder@example.test", undefined);

    expect(first?.email).toBe("founder@example.test");
    expect(first?.generatedPassword).toEqual(expect.any(String));
    expect(first?.generatedPassword?.length).toBeGreaterThanOrEqual(16);
    const users = await db().user.findMany();
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ email: "founder@example.test", role: "admin", disabledAt: null });
    expect(await verifyPassword(users[0]!.passwordHash, first!.generatedPassword!)).toBe(true);
  });

  it("does nothing once users exist", async () => {
    expect(await ensureFirstAdmin("second-founder@example.test", "a-long-enough-password")).toBeNull();
    expect(await db().user.findUnique({ where: { email: "second-founder@example.test" } })).toBeNull();
  });
});

describe("creating users", () => {
  it("stores an argon2id hash of the password, never the password", async () => {
    const password = "correct horse battery staple";
    const { user } = await makeUser({ password });

    const row = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain(password);
    expect(await verifyPassword(row.passwordHash, password)).toBe(true);
    expect(await verifyPassword(row.passwordHash, "wrong horse battery staple")).toBe(false);
    // What the API hands out carries no hash at all.
    expect(user).not.toHaveProperty("passwordHash");
    expect((await listUsers()).find((u) => u.id === user.id)).not.toHaveProperty("passwordHash");
  });

  it("stores the email in lower case", async () => {
    const { user } = await makeUser({ email: "Mixed.Case@Example.Test" });
    expect(user.email).toBe("mixed.case@example.test");
  });

  it("refuses a second user with the same email (in any case) as a conflict", async () => {
    const email = uniqueEmail("dup");
    await makeUser({ email });

    const again = createUser(
      { email: email.toUpperCase(), role: "analyst", password: "another-password-1" },
      SYSTEM,
    );

    await expect(again).rejects.toBeInstanceOf(AppError);
    await expect(again).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining(email) });
    expect(await db().user.count({ where: { email } })).toBe(1);
  });

  it("refuses a password shorter than 12 characters", async () => {
    await expect(
      createUser({ email: uniqueEmail(), role: "analyst", password: "short" }, SYSTEM),
    ).rejects.toThrow(/at least 12 characters/);
  });
});

/** An admin who is, from now on, the only active one (earlier tests made others). */
async function makeSoleActiveAdmin() {
  const admin = await makeUser({ role: "admin" });
  const others = await db().user.findMany({
    where: { role: "admin", disabledAt: null, id: { not: admin.user.id } },
  });
  for (const other of others) await setUserDisabled(other.id, true, SYSTEM);
  return admin;
}

describe("the last active admin", () => {
  it("cannot be demoted or disabled", async () => {
    const { user: boss } = await makeSoleActiveAdmin();
    const { actor: someone } = await makeUser({ role: "operator" });

    await expect(setUserRole(boss.id, "operator", someone)).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/at least one active admin/),
    });
    await expect(setUserDisabled(boss.id, true, someone)).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await db().user.findUniqueOrThrow({ where: { id: boss.id } })).toMatchObject({
      role: "admin",
      disabledAt: null,
    });
  });

  it("can be demoted once another admin exists, who then becomes the last", async () => {
    const { user: boss } = await makeSoleActiveAdmin();
    const { user: deputy } = await makeUser({ role: "admin" });

    expect((await setUserRole(boss.id, "operator", SYSTEM)).role).toBe("operator");
    await expect(setUserDisabled(deputy.id, true, SYSTEM)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("does not count a disabled admin as another active admin", async () => {
    const { user: boss } = await makeSoleActiveAdmin();
    const { user: dormant } = await makeUser({ role: "admin" });
    await setUserDisabled(dormant.id, true, SYSTEM);

    await expect(setUserRole(boss.id, "analyst", SYSTEM)).rejects.toMatchObject({ code: "CONFLICT" });
  });
});

describe("disabling", () => {
  it("an admin cannot disable themselves", async () => {
    const { user: me, actor } = await makeUser({ role: "admin" });
    await makeUser({ role: "admin" }); // so the last-admin rule is not what refuses it

    await expect(setUserDisabled(me.id, true, actor)).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "You cannot disable your own account",
    });
    expect((await db().user.findUniqueOrThrow({ where: { id: me.id } })).disabledAt).toBeNull();
  });

  it("disables and re-enables another user", async () => {
    const { actor: admin } = await makeUser({ role: "admin" });
    const { user } = await makeUser({ role: "analyst" });

    expect((await setUserDisabled(user.id, true, admin)).disabledAt).toBeInstanceOf(Date);
    expect((await setUserDisabled(user.id, false, admin)).disabledAt).toBeNull();
  });

  it("answers NOT_FOUND for a user that does not exist", async () => {
    await expect(setUserDisabled("00000000-0000-4000-8000-000000000000", true, SYSTEM)).rejects.toMatchObject(
      { code: "NOT_FOUND" },
    );
  });
});

describe("audit", () => {
  it("records every change to a user with who did it, what, and to whom", async () => {
    const { user: admin, actor } = await makeUser({ role: "admin", email: uniqueEmail("auditor") });
    const adminWithIp = { ...actor, ip: "203.0.113.7" };

    const created = await createUser(
      { email: uniqueEmail("subject"), role: "analyst", password: "subject-password-1" },
      adminWithIp,
    );
    await setUserRole(created.id, "operator", adminWithIp);
    await setUserDisabled(created.id, true, adminWithIp);
    await setUserDisabled(created.id, false, adminWithIp);

    const events = await auditTrail(created.id);
    expect(events.map((e) => e.action)).toEqual([
      "user.create",
      "user.set_role",
      "user.disable",
      "user.enable",
    ]);
    for (const e of events) {
      expect(e).toMatchObject({
        actorId: admin.id,
        actor: admin.email,
        targetType: "user",
        targetId: created.id,
        ip: "203.0.113.7",
      });
    }
    expect(events[0]?.details).toEqual({ email: created.email, role: "analyst" });
    expect(events[1]?.details).toEqual({ from: "analyst", to: "operator" });
  });

  it("records nothing when a change is refused", async () => {
    const { user: me, actor } = await makeUser({ role: "admin" });
    const before = await auditTrail(me.id);

    await expect(setUserDisabled(me.id, true, actor)).rejects.toThrow();

    expect(await auditTrail(me.id)).toEqual(before);
  });
});
