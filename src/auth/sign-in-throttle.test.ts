import type { User } from "next-auth";
import type { CredentialsConfig } from "next-auth/providers/credentials";
import { describe, expect, it } from "vitest";
import { SYSTEM } from "@/auth/actor";
import { authOptions } from "@/auth/options";
import {
  LOCK_MINUTES,
  MAX_FAILURES,
  recordSignInFailure,
  recordSignInSuccess,
  signInRetryAfter,
} from "@/auth/sign-in-throttle";
import { pool } from "@/db/pool";
import { db } from "@/db/prisma";
import { setUserDisabled } from "@/users/users";
import * as nextAuthRoute from "../../app/api/auth/[...nextauth]/route";
import { makeUser, setUpTestDatabase, uniqueEmail } from "../../test/database";

setUpTestDatabase();

let lastIp = 0;
/** A client address no other test uses, so per-address counts don't leak between tests. */
function uniqueIp(): string {
  lastIp += 1;
  return `192.0.2.${lastIp}`;
}

async function fail(times: number, email: string, ip: string | null): Promise<void> {
  for (let i = 0; i < times; i++) await recordSignInFailure(email, ip);
}

describe("sign-in throttle", () => {
  it("still allows sign-in after 9 failures in a row", async () => {
    const email = uniqueEmail();
    await fail(MAX_FAILURES - 1, email, uniqueIp());
    expect(await signInRetryAfter(email, uniqueIp())).toBe(0);
  });

  it("locks an email for about 15 minutes at the 10th failure", async () => {
    const email = uniqueEmail();
    await fail(MAX_FAILURES, email, null);

    const retryAfter = await signInRetryAfter(email, null);
    expect(retryAfter).toBeGreaterThan(LOCK_MINUTES * 60 - 10);
    expect(retryAfter).toBeLessThanOrEqual(LOCK_MINUTES * 60);
    // From any address, and however the email is typed.
    expect(await signInRetryAfter(`  ${email.toUpperCase()} `, uniqueIp())).toBeGreaterThan(0);
  });

  it("locks an address that failed 10 times, for every email it tries", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < MAX_FAILURES; i++) await recordSignInFailure(uniqueEmail("guess"), ip);

    expect(await signInRetryAfter(uniqueEmail("fresh"), ip)).toBeGreaterThan(0);
    expect(await signInRetryAfter(uniqueEmail("fresh"), uniqueIp())).toBe(0);
  });

  it("clears the count for the email and the address on a success", async () => {
    const email = uniqueEmail();
    const ip = uniqueIp();
    await fail(MAX_FAILURES - 1, email, ip);

    await recordSignInSuccess(email, ip);
    await fail(MAX_FAILURES - 1, email, ip);

    expect(await signInRetryAfter(email, ip)).toBe(0);
  });

  it("starts counting afresh once a lock has expired", async () => {
    const email = uniqueEmail();
    await fail(MAX_FAILURES, email, null);
    await pool().query(
      "UPDATE app.sign_in_throttle SET locked_until = now() - interval '1 second' WHERE key = $1",
      [`email:${email}`],
    );
    expect(await signInRetryAfter(email, null)).toBe(0);

    await recordSignInFailure(email, null);

    expect(await signInRetryAfter(email, null)).toBe(0);
    const row = await db().signInThrottle.findUniqueOrThrow({ where: { key: `email:${email}` } });
    expect(row).toMatchObject({ failures: 1, lockedUntil: null });
  });
});

/** The password check NextAuth runs for the credentials provider (v4 keeps the user's own under `options`). */
const credentials = (authOptions.providers[0] as unknown as { options: Pick<CredentialsConfig, "authorize"> })
  .options;

function signIn(
  email: string,
  password: string,
  ip: string,
  headers: Record<string, string> = { "x-forwarded-for": `${ip}, 10.0.0.1` },
): Promise<User | null> {
  return Promise.resolve(
    credentials.authorize({ email, password }, { method: "POST", body: {}, query: {}, headers }),
  );
}

describe("signing in with email and password", () => {
  it("signs in with the right password, records the time and an audit event", async () => {
    const { user, password } = await makeUser({ role: "operator", name: "Olive Operator" });
    const ip = uniqueIp();

    const signedIn = await signIn(` ${user.email.toUpperCase()} `, password, ip);

    expect(signedIn).toEqual({ id: user.id, email: user.email, name: "Olive Operator" });
    const row = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.lastLoginAt).toBeInstanceOf(Date);
    const events = await db().auditEvent.findMany({ where: { action: "auth.sign_in", actorId: user.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ targetType: "user", targetId: user.id, ip });
  });

  it("refuses a wrong password", async () => {
    const { user } = await makeUser();
    expect(await signIn(user.email, "not the password at all", uniqueIp())).toBeNull();
  });

  it("refuses an email nobody has", async () => {
    expect(await signIn(uniqueEmail("nobody"), "whatever-password", uniqueIp())).toBeNull();
  });

  it("refuses even the right password after 10 wrong ones, with TooManyAttempts", async () => {
    const { user, password } = await makeUser();
    const ip = uniqueIp();
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect(await signIn(user.email, `wrong-password-${i}`, ip)).toBeNull();
    }

    await expect(signIn(user.email, password, ip)).rejects.toThrow("TooManyAttempts");
    await expect(signIn(user.email, password, uniqueIp())).rejects.toThrow("TooManyAttempts");
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).lastLoginAt).toBeNull();
  });

  it("forgets earlier failures after a successful sign-in", async () => {
    const { user, password } = await makeUser();
    const ip = uniqueIp();
    for (let i = 0; i < MAX_FAILURES - 1; i++) await signIn(user.email, "wrong-password", ip);
    expect(await signIn(user.email, password, ip)).not.toBeNull();

    expect(await signIn(user.email, "wrong-password", ip)).toBeNull();
    expect(await signIn(user.email, password, ip)).not.toBeNull();
  });

  it("refuses a disabled user, even with the right password", async () => {
    const { user, password } = await makeUser();
    await setUserDisabled(user.id, true, SYSTEM);

    expect(await signIn(user.email, password, uniqueIp())).toBeNull();
  });
});

describe("the sign-in route", () => {
  const post = (email: string, headers: Record<string, string>) =>
    nextAuthRoute.POST(
      new Request("http://localhost:3000/api/auth/callback/credentials", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams({ email, password: "whatever", json: "true" }),
      }),
      { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) },
    );

  it("answers 429 with Retry-After for an address locked by failures, however the proxy names it", async () => {
    const ip = uniqueIp();
    // Failures recorded through NextAuth's header object (here only x-real-ip is set)…
    for (let i = 0; i < MAX_FAILURES; i++) {
      await signIn(uniqueEmail(), "wrong-password-1", ip, { "x-real-ip": ip });
    }
    // …lock the same address when the route checks a fetch Request, for any email.
    const res = await post(uniqueEmail(), { "x-real-ip": ip });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(LOCK_MINUTES * 60 - 10);
    expect((await res.json()).url).toMatch(/\/signin\?error=TooManyAttempts$/);
  });
});
