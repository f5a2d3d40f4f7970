import { ZodError } from "zod";
import type { Actor } from "@/auth/actor";
import { hasRole, type Role } from "@/auth/roles";
import { AppError, ERROR_STATUS, type ErrorCode } from "@/server/errors";
import { requestActor } from "@/server/request-actor";

/**
 * The REST door (/api/v1): authenticate, check the role, call the same server function the tRPC
 * procedure calls, answer JSON. Errors always have the shape {"error":{"code","message"}}.
 */
export function errorResponse(code: ErrorCode, message: string, headers?: HeadersInit): Response {
  return Response.json({ error: { code, message } }, { status: ERROR_STATUS[code], headers });
}

interface RestContext<P> {
  req: Request;
  params: P;
}

type Handler<P, A> = (ctx: RestContext<P> & { actor: A }) => Promise<Response | unknown>;

/** A route that needs at least `role`; `null` lets anyone call it. */
export function restRoute<R extends Role | null, P = Record<string, never>>(
  role: R,
  handler: Handler<P, R extends Role ? Actor : Actor | null>,
) {
  return async (req: Request, route: { params: Promise<P> }): Promise<Response> => {
    try {
      // Open routes (health) need nobody's identity: skip the lookup.
      const { actor, badKey } = role ? await requestActor(req.headers) : { actor: null, badKey: false };
      if (badKey) return errorResponse("UNAUTHORIZED", "The API key is unknown, malformed or revoked");
      if (role) {
        if (!actor) {
          return errorResponse("UNAUTHORIZED", "Send an API key as `Authorization: Bearer <key>`", {
            "WWW-Authenticate": 'Bearer realm="sluice"',
          });
        }
        if (!hasRole(actor.role, role)) {
          return errorResponse("FORBIDDEN", `This needs the ${role} role; the key has ${actor.role}`);
        }
      }
      const result = await (handler as Handler<P, Actor | null>)({ req, params: await route.params, actor });
      return result instanceof Response ? result : Response.json(result);
    } catch (err) {
      if (err instanceof AppError) return errorResponse(err.code, err.message);
      if (err instanceof ZodError) {
        const message = err.issues.map((i) =>
          i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message,
        );
        return errorResponse("BAD_REQUEST", message.join("; "));
      }
      console.error(`[api] ${req.method} ${new URL(req.url).pathname} failed:`, err);
      return errorResponse("INTERNAL_SERVER_ERROR", "Something went wrong on our side; it has been logged");
    }
  };
}

/** A streamed file download: the body as it comes, named for saving (a safe ASCII file name). */
export function downloadResponse(d: {
  fileName: string;
  contentType: string;
  body: ReadableStream<Uint8Array>;
}) {
  return new Response(d.body, {
    headers: {
      "Content-Type": d.contentType,
      "Content-Disposition": `attachment; filename="${d.fileName.replace(/[^\w.-]/g, "_")}"`,
      "Cache-Control": "no-store",
    },
  });
}
