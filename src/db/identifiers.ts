/** Names users give datasets and columns: lower-case identifiers Postgres never needs to fold. */
export const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * The one way an identifier reaches SQL: checked against IDENTIFIER, then double-quoted. Anything
 * else a user types goes in as a bound parameter or through COPY.
 */
export function quoteIdent(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`"${name}" is not a valid identifier (lower-case letters, digits and _, 63 at most)`);
  }
  return `"${name}"`;
}
