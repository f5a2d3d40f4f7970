import type { Role } from "./roles";

/** Whoever is calling: a signed-in person or an API key. Every mutation is attributed to one. */
export type Actor =
  | { kind: "user"; id: string; email: string; name: string | null; role: Role; ip: string | null }
  | { kind: "api-key"; id: string; name: string; role: Role; ip: string | null }
  | { kind: "system"; role: "admin"; ip: null };

export const SYSTEM: Actor = { kind: "system", role: "admin", ip: null };

export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case "user":
      return actor.email;
    case "api-key":
      return `api-key:${actor.name}`;
    case "system":
      return "system";
  }
}

/**
 * The client address as the proxy in front of us reports it (Next's server sets x-forwarded-for).
 * One rule for every caller: the sign-in throttle records failures from NextAuth's plain header
 * object and checks locks from a fetch Request, and both must name the same address.
 */
export function clientIp(headers: Headers | Record<string, unknown> | undefined): string | null {
  const get = (name: string): string | undefined => {
    if (!headers) return undefined;
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    return typeof value === "string" ? value : undefined;
  };
  return get("x-forwarded-for")?.split(",")[0]?.trim() || get("x-real-ip")?.trim() || null;
}
