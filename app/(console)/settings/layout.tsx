import { hasRole } from "@/auth/roles";
import { SettingsNav } from "@/components/settings-nav";
import { pageActor } from "@/server/page-actor";

export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  const actor = await pageActor();
  // Non-admins get only the page's own "access denied", not tabs to places they cannot open.
  if (!hasRole(actor.role, "admin")) return children;
  return (
    <div>
      <p className="mb-2 text-xs font-medium uppercase tracking-wide text-slate-500">Settings</p>
      <SettingsNav />
      {children}
    </div>
  );
}
