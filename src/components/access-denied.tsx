import Link from "next/link";
import type { Role } from "@/auth/roles";

/** What a signed-in person sees on a page their role does not open. The server enforces it anyway. */
export function AccessDenied({ needed, actual }: { needed: Role; actual: Role }) {
  return (
    <div className="max-w-xl rounded-lg border border-slate-200 bg-white p-6">
      <h1 className="text-xl font-semibold tracking-tight">Access denied</h1>
      <p className="mt-2 text-sm text-slate-600">
        This page needs the <strong className="font-semibold text-slate-900">{needed}</strong> role; you are
        signed in as <strong className="font-semibold text-slate-900">{actual}</strong>.
      </p>
      <p className="mt-1 text-sm text-slate-500">Ask an admin if you need access.</p>
      <Link
        href="/"
        className="mt-4 inline-block text-sm font-medium text-teal-700 hover:text-teal-800 hover:underline"
      >
        Back to the overview
      </Link>
    </div>
  );
}
