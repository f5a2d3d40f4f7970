import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { revokeApiKey } from "@/api-keys/api-keys";
import { SYSTEM } from "@/auth/actor";
import { AppError } from "@/server/errors";
import { restRoute } from "@/server/rest";
import { setUserDisabled } from "@/users/users";
import * as datasetsRoute from "../../app/api/v1/datasets/route";
import * as healthRoute from "../../app/api/v1/health/route";
import { makeApiKey, makeUser, setUpTestDatabase } from "../../test/database";
import { nextRoute } from "../../test/next-route";

setUpTestDatabase();

const SECRET = "a-test-secret-that-is-at-least-32-characters-long";
beforeAll(() => {
  vi.stubEnv("NEXTAUTH_SECRET", SECRET);
  vi.stubEnv("NEXTAUTH_URL", "http://localhost:3000");
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const noParams = { params: Promise.resolve({}) };

function get(path: string, headers: Record<string, string> = {}): Request {
  return new Request(`http://localhost:3000${path}`, { headers });
}
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function errorBody(res: Response): Promise<{ code: string; message: string }> {
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(["error"]);
  return body.error;
}

/**
 * Requests with an API key are answered by calling the exported handler directly. Requests
 * without one fall through to the NextAuth session, whose getServerSession reads next/headers:
 * those go through Next's own route module (test/next-route.ts), as `next start` would run them.
 */
const datasetsViaNext = nextRoute(datasetsRoute, "/api/v1/datasets");
const healthViaNext = nextRoute(healthRoute, "/api/v1/health");

describe("REST door: authentication", () => {
  it("answers 401 with the error shape and a WWW-Authenticate challenge when no key is sent", async () => {
    const res = await datasetsViaNext(get("/api/v1/datasets"));

    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="sluice"');
    expect(await errorBody(res)).toEqual({
      code: "UNAUTHORIZED",
      message: "Send an API key as `Authorization: Bearer <key>`",
    });
  });

  it("refuses a malformed, unknown or revoked key with 401 rather than falling back to the session", async () => {
    const { id, key } = await makeApiKey("admin");
    await revokeApiKey(id, SYSTEM);

    for (const authorization of ["Bearer not-a-key", "Basic dXNlcjpwYXNz", "Bearer", `Bearer ${key}`]) {
      const res = await datasetsRoute.GET(get("/api/v1/datasets", { authorization }), noParams);
      expect(res.status, authorization).toBe(401);
      expect(await errorBody(res)).toMatchObject({
        code: "UNAUTHORIZED",
        message: expect.stringMatching(/revoked/),
      });
    }
  });

  it("lists datasets for a valid analyst key", async () => {
    const { key } = await makeApiKey("analyst");

    const res = await datasetsRoute.GET(get("/api/v1/datasets", bearer(key)), noParams);

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ datasets: [] });
  });

  it("lists datasets for a signed-in person's session cookie", async () => {
    const { user } = await makeUser({ role: "analyst" });
    const session = await encode({ token: { sub: user.id, email: user.email }, secret: SECRET });

    const res = await datasetsViaNext(
      get("/api/v1/datasets", { cookie: `next-auth.session-token=${session}` }),
    );

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ datasets: [] });
  });

  it("refuses the session of a user who has since been disabled", async () => {
    const { user } = await makeUser({ role: "analyst" });
    const session = await encode({ token: { sub: user.id, email: user.email }, secret: SECRET });
    await setUserDisabled(user.id, true, SYSTEM);

    const res = await datasetsViaNext(
      get("/api/v1/datasets", { cookie: `next-auth.session-token=${session}` }),
    );

    expect(res.status).toBe(401);
  });
});

describe("REST door: roles and errors", () => {
  const adminOnly = restRoute("admin", async () => ({ secret: "admin things" }));

  it("answers 403 with the error shape when the key's role is too low", async () => {
    const { key } = await makeApiKey("analyst");

    const res = await adminOnly(get("/api/v1/admin-only", bearer(key)), noParams);

    expect(res.status).toBe(403);
    expect(await errorBody(res)).toEqual({
      code: "FORBIDDEN",
      message: "This needs the admin role; the key has analyst",
    });
  });

  it("answers an admin key, and passes the route's params to the handler", async () => {
    const { key } = await makeApiKey("admin");
    const echo = restRoute<"admin", { name: string }>("admin", async ({ params, actor }) => ({
      name: params.name,
      by: actor.kind,
    }));

    expect(await (await adminOnly(get("/x", bearer(key)), noParams)).json()).toEqual({
      secret: "admin things",
    });
    const res = await echo(get("/x", bearer(key)), { params: Promise.resolve({ name: "listings" }) });
    expect(await res.json()).toEqual({ name: "listings", by: "api-key" });
  });

  it("turns a domain NOT_FOUND into a 404 with the domain's message", async () => {
    const { key } = await makeApiKey("analyst");
    const missing = restRoute("analyst", async () => {
      throw new AppError("NOT_FOUND", "No dataset named nope");
    });

    const res = await missing(get("/api/v1/datasets/nope", bearer(key)), noParams);

    expect(res.status).toBe(404);
    expect(await errorBody(res)).toEqual({ code: "NOT_FOUND", message: "No dataset named nope" });
  });

  it("turns invalid input into a 400 whose message names the field", async () => {
    const { key } = await makeApiKey("analyst");
    const query = z.object({ limit: z.coerce.number().int().max(1000) });
    const paged = restRoute("analyst", async ({ req }) =>
      query.parse(Object.fromEntries(new URL(req.url).searchParams)),
    );

    const res = await paged(get("/api/v1/things?limit=5000", bearer(key)), noParams);

    expect(res.status).toBe(400);
    const error = await errorBody(res);
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/^limit: /);
  });

  it("answers 500 without internals for an unexpected failure", async () => {
    const { key } = await makeApiKey("analyst");
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const broken = restRoute("analyst", async () => {
      throw new Error("connection to 10.1.2.3 refused");
    });

    const res = await broken(get("/api/v1/broken", bearer(key)), noParams);

    expect(res.status).toBe(500);
    const error = await errorBody(res);
    expect(error.code).toBe("INTERNAL_SERVER_ERROR");
    expect(error.message).not.toContain("10.1.2.3");
    expect(logged).toHaveBeenCalledWith(expect.stringContaining("/api/v1/broken"), expect.any(Error));
    logged.mockRestore();
  });
});

describe("REST door: health", () => {
  it("answers 503 degraded with 0 workers when no worker has a heartbeat", async () => {
    const res = await healthViaNext(get("/api/v1/health"));

    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "degraded", database: "ok", workers: 0 });
  });
});
