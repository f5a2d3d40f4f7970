import type { Role } from "@/auth/roles";

export interface NavItem {
  href: string;
  label: string;
  /** The least role that may open it; the server checks again on every page and procedure. */
  role: Role;
  /** Sections planned but not built yet are listed, marked, and not linked. */
  planned?: boolean;
}

export const NAV: NavItem[] = [
  { href: "/", label: "Overview", role: "analyst" },
  { href: "/upload", label: "Upload", role: "analyst" },
  { href: "/jobs", label: "Jobs", role: "analyst" },
  { href: "/queue", label: "Queue", role: "operator" },
  { href: "/metrics", label: "Metrics", role: "operator" },
  { href: "/datasets", label: "Datasets", role: "analyst" },
  { href: "/quality", label: "Quality", role: "analyst" },
  { href: "/promotions", label: "Promotions", role: "analyst" },
  { href: "/backups", label: "Backups", role: "admin" },
  { href: "/schedules", label: "Schedules", role: "operator" },
  { href: "/alerts", label: "Alerts", role: "operator" },
  { href: "/audit", label: "Audit", role: "admin" },
  { href: "/settings", label: "Settings", role: "admin" },
];
