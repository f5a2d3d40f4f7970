"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { hasRole, type Role } from "@/auth/roles";
import { AlertBadge } from "./alerts/alert-badge";
import { Logo } from "./logo";
import { MaintenanceBanner } from "./maintenance-banner";
import { NAV } from "./nav";

export interface ShellUser {
  email: string;
  name: string | null;
  role: Role;
}

export function ConsoleShell({ user, children }: { user: ShellUser; children: React.ReactNode }) {
  const pathname = usePathname();
  const active = (href: string) => (href === "/" ? pathname === "/" : pathname.startsWith(href));
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 flex h-screen w-56 shrink-0 flex-col border-r border-slate-200 bg-white print:hidden">
        <Link href="/" className="flex items-center gap-2 px-4 py-4">
          <Logo className="h-7 w-7" />
          <span className="text-lg font-semibold tracking-tight">Sluice</span>
        </Link>
        <nav aria-label="Main" className="flex-1 overflow-y-auto px-2">
          <ul className="space-y-0.5">
            {NAV.filter((item) => hasRole(user.role, item.role)).map((item) => (
              <li key={item.href}>
                {item.planned ? (
                  <span
                    className="flex items-center justify-between rounded-md px-3 py-1.5 text-sm text-slate-400"
                    title="Planned: not built yet"
                  >
                    {item.label}
                    <span className="rounded bg-slate-100 px-1.5 text-[10px] font-medium uppercase tracking-wide text-slate-400">
                      soon
                    </span>
                  </span>
                ) : (
                  <Link
                    href={item.href}
                    aria-current={active(item.href) ? "page" : undefined}
                    className={`flex items-center justify-between rounded-md px-3 py-1.5 text-sm ${
                      active(item.href)
                        ? "bg-teal-50 font-medium text-teal-800"
                        : "text-slate-700 hover:bg-slate-100 hover:text-slate-900"
                    }`}
                  >
                    {item.label}
                    {item.href === "/alerts" && <AlertBadge />}
                  </Link>
                )}
              </li>
            ))}
          </ul>
        </nav>
        <div className="border-t border-slate-200 p-3 text-sm">
          <div className="truncate font-medium" title={user.email}>
            {user.name ?? user.email}
          </div>
          <div className="mb-2 flex items-center gap-2 text-xs text-slate-500">
            <span className="truncate">{user.email}</span>
            <span className="rounded bg-slate-100 px-1.5 py-0.5 font-medium text-slate-600">{user.role}</span>
          </div>
          <button
            type="button"
            onClick={() => signOut({ callbackUrl: "/signin" })}
            className="w-full rounded-md border border-slate-300 px-2 py-1 text-slate-700 hover:bg-slate-50"
          >
            Sign out
          </button>
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-8 py-6">
        <MaintenanceBanner />
        {children}
      </main>
    </div>
  );
}
