import { randomBytes } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/audit/audit";
import type { Actor } from "@/auth/actor";
import { SYSTEM } from "@/auth/actor";
import { hashPassword } from "@/auth/password";
import { type Role, roleSchema } from "@/auth/roles";
import { db } from "@/db/prisma";
import { Prisma } from "@/generated/prisma/client";
import { AppError } from "@/server/errors";

export const passwordSchema = z
  .string()
  .min(12, "Password must be at least 12 characters")
  .max(200, "Password must be at most 200 characters");

export const createUserInput = z.object({
  email: z.email("Enter a valid email address").transform((e) => e.toLowerCase()),
  name: z.string().trim().max(100).optional(),
  role: roleSchema,
  password: passwordSchema,
});
export type CreateUserInput = z.input<typeof createUserInput>;

const publicUser = {
  id: true,
  email: true,
  name: true,
  role: true,
  createdAt: true,
  lastLoginAt: true,
  disabledAt: true,
} satisfies Prisma.UserSelect;

export type PublicUser = Prisma.UserGetPayload<{ select: typeof publicUser }>;

export function listUsers(): Promise<PublicUser[]> {
  return db().user.findMany({ select: publicUser, orderBy: { createdAt: "asc" } });
}

export async function createUser(input: CreateUserInput, actor: Actor): Promise<PublicUser> {
  const data = createUserInput.parse(input);
  const passwordHash = await hashPassword(data.password);
  try {
    return await db().$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email: data.email, name: data.name || null, role: data.role, passwordHash },
        select: publicUser,
      });
      await recordAudit(
        actor,
        "user.create",
        { type: "user", id: user.id },
        { email: user.email, role: user.role },
        tx,
      );
      return user;
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new AppError("CONFLICT", `A user with email ${data.email} already exists`);
    }
    throw err;
  }
}

export async function setUserRole(userId: string, role: Role, actor: Actor): Promise<PublicUser> {
  return db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) throw new AppError("NOT_FOUND", "No such user");
    if (user.role === "admin" && role !== "admin") await assertAnotherActiveAdmin(tx, userId);
    const updated = await tx.user.update({ where: { id: userId }, data: { role }, select: publicUser });
    await recordAudit(
      actor,
      "user.set_role",
      { type: "user", id: userId },
      { from: user.role, to: role },
      tx,
    );
    return updated;
  });
}

/** Disabling keeps the user (and what they did) but refuses their sign-in and sessions. */
export async function setUserDisabled(userId: string, disabled: boolean, actor: Actor): Promise<PublicUser> {
  if (disabled && actor.kind === "user" && actor.id === userId) {
    throw new AppError("BAD_REQUEST", "You cannot disable your own account");
  }
  return db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) throw new AppError("NOT_FOUND", "No such user");
    if (disabled && user.role === "admin") await assertAnotherActiveAdmin(tx, userId);
    const updated = await tx.user.update({
      where: { id: userId },
      data: { disabledAt: disabled ? new Date() : null },
      select: publicUser,
    });
    await recordAudit(
      actor,
      disabled ? "user.disable" : "user.enable",
      { type: "user", id: userId },
      undefined,
      tx,
    );
    return updated;
  });
}

async function assertAnotherActiveAdmin(tx: Prisma.TransactionClient, exceptUserId: string): Promise<void> {
  const others = await tx.user.count({
    where: { role: "admin", disabledAt: null, id: { not: exceptUserId } },
  });
  if (others === 0)
    throw new AppError("CONFLICT", "Sluice needs at least one active admin; make another admin first");
}

export interface FirstAdmin {
  email: string;
  /** Set only when Sluice generated the password; it is shown once and not stored. */
  generatedPassword?: string;
}

/**
 * On an empty users table, creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD, generating a
 * strong password when none is given. Returns null when users exist already. Safe against several
 * processes starting at once (the unique email decides).
 */
export async function ensureFirstAdmin(
  email: string,
  password: string | undefined,
): Promise<FirstAdmin | null> {
  if ((await db().user.count()) > 0) return null;
  const generatedPassword = password ? undefined : randomBytes(15).toString("base64url");
  try {
    await createUser(
      { email, role: "admin", name: "Administrator", password: password ?? generatedPassword! },
      SYSTEM,
    );
  } catch (err) {
    if (err instanceof AppError && err.code === "CONFLICT") return null;
    throw err;
  }
  return { email, generatedPassword };
}
