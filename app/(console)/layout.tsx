import { ConsoleShell } from "@/components/console-shell";
import { pageActor } from "@/server/page-actor";
import { TRPCReactProvider } from "@/trpc/react";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const actor = await pageActor();
  return (
    <TRPCReactProvider>
      <ConsoleShell user={{ email: actor.email, name: actor.name, role: actor.role }}>
        {children}
      </ConsoleShell>
    </TRPCReactProvider>
  );
}
