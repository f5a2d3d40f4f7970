import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { sessionActor } from "@/auth/session";
import { Logo } from "@/components/logo";
import { SignInForm } from "@/components/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string; callbackUrl?: string }>;
}) {
  if (await sessionActor(null)) redirect("/");
  const { error, callbackUrl } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex items-center gap-3">
          <Logo className="h-9 w-9" />
          <div>
            <h1 className="text-xl font-semibold tracking-tight">Sluice</h1>
            <p className="text-sm text-slate-500">Operations console for data pipelines</p>
          </div>
        </div>
        <SignInForm initialError={error} callbackUrl={safeCallback(callbackUrl)} />
      </div>
    </main>
  );
}

/** Only same-site paths: a sign-in link must not bounce users to another site. */
function safeCallback(url: string | undefined): string {
  if (!url) return "/";
  try {
    const parsed = new URL(url, "http://x");
    return parsed.host === "x" || url.startsWith("/") ? `${parsed.pathname}${parsed.search}` : "/";
  } catch {
    return "/";
  }
}
