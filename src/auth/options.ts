import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { recordAudit } from "@/audit/audit";
import { clientIp } from "@/auth/actor";
import { decoyHash, verifyPassword } from "@/auth/password";
import { recordSignInFailure, recordSignInSuccess, signInRetryAfter } from "@/auth/sign-in-throttle";
import { db } from "@/db/prisma";

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(credentials, req) {
        const email = credentials?.email?.trim().toLowerCase() ?? "";
        const password = credentials?.password ?? "";
        const ip = clientIp(req?.headers);
        if (!email || !password) return null;
        if ((await signInRetryAfter(email, ip)) > 0) throw new Error("TooManyAttempts");
        const user = await db().user.findUnique({ where: { email } });
        const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash()), password);
        if (!user || !ok || user.disabledAt) {
          await recordSignInFailure(email, ip);
          return null;
        }
        await recordSignInSuccess(email, ip);
        await db().user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
        await recordAudit(
          { kind: "user", id: user.id, email: user.email, name: user.name, role: user.role, ip },
          "auth.sign_in",
          { type: "user", id: user.id },
        );
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
  ],
  callbacks: {
    // The token carries only the user id; role and status are read fresh on every request
    // (src/auth/session.ts), so a role change or a disabled account takes effect at once.
    jwt({ token, user }) {
      if (user) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (session.user) (session.user as { id?: string }).id = token.sub;
      return session;
    },
  },
};
