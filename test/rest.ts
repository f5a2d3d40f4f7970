/** Where REST requests in tests are addressed; route handlers read only the path and query. */
export const TEST_BASE_URL = "http://localhost:3000";

/** GETs an app/ REST route handler directly, as an API-key client would (no key: anonymous). */
export function restGet<P>(
  route: { GET: (r: Request, c: { params: Promise<P> }) => Promise<Response> },
  path: string,
  params: P,
  key?: string,
): Promise<Response> {
  return route.GET(
    new Request(`${TEST_BASE_URL}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }),
    { params: Promise.resolve(params) },
  );
}
