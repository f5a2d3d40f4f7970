/**
 * A message box. `error` is announced at once (role="alert"); `success` politely (role="status");
 * `warning` is read in page order (something to check before going on, not an event).
 */
export function Notice({
  tone,
  title,
  children,
  className = "",
  ...rest
}: {
  tone: "error" | "success" | "warning";
  title?: string;
  children: React.ReactNode;
  className?: string;
  "data-testid"?: string;
}) {
  const body = (
    <>
      {title && <p className="font-semibold">{title}</p>}
      {title ? <div className="mt-0.5">{children}</div> : children}
    </>
  );
  if (tone === "warning") {
    return (
      <div
        className={`rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 ${className}`}
        {...rest}
      >
        {body}
      </div>
    );
  }
  return tone === "error" ? (
    <div
      role="alert"
      className={`rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 ${className}`}
      {...rest}
    >
      {body}
    </div>
  ) : (
    <div
      role="status"
      className={`rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ${className}`}
      {...rest}
    >
      {body}
    </div>
  );
}
