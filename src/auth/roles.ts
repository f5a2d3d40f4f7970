import { z } from "zod";

/** Each role includes the ones before it: analyst ⊂ operator ⊂ admin. */
export const ROLES = ["analyst", "operator", "admin"] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export function hasRole(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}
