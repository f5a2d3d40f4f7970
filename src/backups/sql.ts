/**
 * Names a backup reads from the catalog or its manifest. They include Sluice's own `_batch_id`-style
 * columns, which dataset identifiers (quoteIdent) exclude, so they get their own strict check.
 */
const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function quoteName(name: string): string {
  if (!NAME.test(name)) throw new Error(`"${name}" is not a table or column name a backup can hold`);
  return `"${name}"`;
}

export const tableRef = (t: { schema: string; table: string }) =>
  `${quoteName(t.schema)}.${quoteName(t.table)}`;

export const columnList = (columns: { name: string }[]) => columns.map((c) => quoteName(c.name)).join(", ");

/** A column type as format_type() prints it (`numeric(12,2)`, `app."JobStatus"`, `text[]`), nothing else. */
const TYPE =
  /^(?:(?:"[A-Za-z0-9_]+"|[a-z_][a-z0-9_]*)\.)?(?:"[A-Za-z0-9_]+"|[a-z_][a-z0-9_ ]*?)(?:\(\d+(?:,\d+)?\))?(?: with(?:out)? time zone)?(?:\[\])*$/;

export function checkedType(type: string): string {
  if (!TYPE.test(type)) throw new Error(`"${type}" is not a column type a backup can hold`);
  return type;
}
