/**
 * A message box. `error` is announced at once (role="alert"); `success` politely (role="status").
 */
export function Notice({
  tone,
  children,
  className = "",
}: {
  tone: "error" | "success";
  children: React.ReactNode;
  className?: string;
}) {
  return tone === "error" ? (
    <div
      role="alert"
      className={`rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 ${className}`}
    >
      {children}
    </div>
  ) : (
    <div
      role="status"
      className={`rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ${className}`}
    >
      {children}
    </div>
  );
}
