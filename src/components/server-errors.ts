/**
 * Reading a failed tRPC call for a form: the message to show, and per-field messages when the server
 * rejected the input (its error formatter adds zod's flattened errors as `data.zodError`).
 */
interface ServerError {
  message: string;
  data?: { zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null } | null;
}

export function fieldErrors(error: ServerError | null | undefined): Record<string, string | undefined> {
  const fields = error?.data?.zodError?.fieldErrors ?? {};
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v?.[0]]));
}
