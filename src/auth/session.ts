import { getServerSession } from "next-auth";
import type { Actor } from "@/auth/actor";
import { authOptions } from "@/auth/options";
import { db } from "@/db/prisma";

/**
 * The signed-in person for this request, read fresh from the users table (so a changed role or a
 * disabled account takes effect at once), or null.
 */
export async function sessionActor(ip: string | null): Promise<Extract<Actor, { kind: "user" }> | null> {
  const session = await getServerSession(authOptions);
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  const user = await db().user.findUnique({ where: { id } });
  if (!user || user.disabledAt) return null;
  return { kind: "user", id: user.id, email: user.email, name: user.name, role: user.role, ip };
}
