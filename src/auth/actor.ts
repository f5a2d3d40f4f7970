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

/** The client address as the proxy in front of us reports it (Next's server sets x-forwarded-for). */
export function clientIp(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers.get("x-real-ip") || null;
}
