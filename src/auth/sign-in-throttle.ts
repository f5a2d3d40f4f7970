import { db } from "@/db/prisma";

/**
 * Brute-force protection for password sign-in: after MAX_FAILURES failures in a row for one email
 * or one client address, further attempts for it are refused until the lock expires. A success
 * clears the email's and the address's counters.
 */
export const MAX_FAILURES = 10;
export const LOCK_MINUTES = 15;

function keys(email: string, ip: string | null): string[] {
  const k = [`email:${email.trim().toLowerCase()}`];
  if (ip) k.push(`ip:${ip}`);
  return k;
}

/** Seconds until sign-in may be tried again for this email or address; 0 when it may now. */
export async function signInRetryAfter(email: string, ip: string | null): Promise<number> {
  const rows = await db().signInThrottle.findMany({ where: { key: { in: keys(email, ip) } } });
  const until = Math.max(0, ...rows.map((r) => r.lockedUntil?.getTime() ?? 0));
  return Math.max(0, Math.ceil((until - Date.now()) / 1000));
}

export async function recordSignInFailure(email: string, ip: string | null): Promise<void> {
  for (const key of keys(email, ip)) {
    // One statement per key, so concurrent failures are all counted. A lock that has expired
    // starts a fresh count.
    await db().$executeRaw`
      INSERT INTO app.sign_in_throttle (key, failures, last_failed_at)
      VALUES (${key}, 1, now())
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN sign_in_throttle.locked_until < now() THEN 1 ELSE sign_in_throttle.failures + 1 END,
        last_failed_at = now(),
        locked_until = CASE
          WHEN sign_in_throttle.locked_until < now() THEN NULL
          WHEN sign_in_throttle.failures + 1 >= ${MAX_FAILURES} THEN now() + make_interval(mins => ${LOCK_MINUTES})
          ELSE sign_in_throttle.locked_until END`;
  }
}

export async function recordSignInSuccess(email: string, ip: string | null): Promise<void> {
  await db().signInThrottle.deleteMany({ where: { key: { in: keys(email, ip) } } });
}
