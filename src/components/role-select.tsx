"use client";

import { ROLES, type Role } from "@/auth/roles";
import { Select } from "./ui/field";

/** The roles as `<option>`s, for any role `<Select>`. */
export function RoleOptions() {
  return ROLES.map((r) => (
    <option key={r} value={r}>
      {r}
    </option>
  ));
}

/** A compact role picker for a table row; changes apply as soon as a role is chosen. */
export function RoleSelect({
  label,
  value,
  disabled,
  onChange,
}: {
  /** Accessible name, e.g. "Role for ada@example.com". */
  label: string;
  value: Role;
  disabled?: boolean;
  onChange: (role: Role) => void;
}) {
  return (
    <Select
      size="sm"
      aria-label={label}
      value={value}
      disabled={disabled}
      onChange={(e) => onChange(e.target.value as Role)}
      className="w-24"
    >
      <RoleOptions />
    </Select>
  );
}
