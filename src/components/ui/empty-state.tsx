/** What a list looks like before it has anything in it: what the thing is and how to make one. */
export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="mx-auto max-w-xl py-4 text-center">
      <p className="text-sm font-semibold text-slate-800">{title}</p>
      {children && <div className="mt-1.5 space-y-2 text-sm text-slate-500">{children}</div>}
    </div>
  );
}
