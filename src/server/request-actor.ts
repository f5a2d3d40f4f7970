import { authenticateApiKey } from "@/api-keys/api-keys";
import { type Actor, clientIp } from "@/auth/actor";
import { sessionActor } from "@/auth/session";

/**
 * Who is making this request: an `Authorization: Bearer <api key>` if present (a bad key is not
 * silently downgraded to the session), else the signed-in session, else null.
 */
export async function requestActor(headers: Headers): Promise<{ actor: Actor | null; badKey: boolean }> {
  const ip = clientIp(headers);
  const auth = headers.get("authorization");
  if (auth) {
    const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
    const actor = token ? await authenticateApiKey(token, ip) : null;
    return { actor, badKey: actor === null };
  }
  return { actor: await sessionActor(ip), badKey: false };
}
