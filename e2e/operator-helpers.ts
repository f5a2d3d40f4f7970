import type { APIRequestContext } from "@playwright/test";

/** Calls a tRPC mutation as the signed-in browser does (session cookie, superjson envelope). */
export async function trpcMutation<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const res = await request.post(`/api/trpc/${path}`, { data: { json: input } });
  const body = await res.json();
  if (!res.ok()) throw new Error(`${path}: ${res.status()} ${JSON.stringify(body)}`);
  return body.result.data.json as T;
}
