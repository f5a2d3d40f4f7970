/** A white bordered section with a heading, for forms and side content. */
export function Panel({
  title,
  titleNote,
  description,
  children,
  className = "",
}: {
  title: string;
  /** Beside the title, in its heading, in a lighter weight (e.g. counts). */
  titleNote?: React.ReactNode;
  description?: React.ReactNode;
  children: React.ReactNode;
  className?: string;
}) {
  const id = `panel-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section aria-labelledby={id} className={`rounded-lg border border-slate-200 bg-white p-4 ${className}`}>
      <h2 id={id} className="text-sm font-semibold text-slate-800">
        {title}
        {titleNote && <span className="font-normal text-slate-500"> {titleNote}</span>}
      </h2>
      {description && <p className="mt-0.5 text-xs text-slate-500">{description}</p>}
      <div className="mt-3">{children}</div>
    </section>
  );
}
