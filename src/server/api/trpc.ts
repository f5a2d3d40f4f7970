import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { Actor } from "@/auth/actor";
import { hasRole, type Role } from "@/auth/roles";
import { AppError } from "@/server/errors";

/**
 * The one place that builds tRPC's context and procedures. Every procedure states the least role it
 * needs; the check happens here, on the server, whatever the UI shows.
 */
export interface Context {
  actor: Actor | null;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  sse: {
    ping: { enabled: true, intervalMs: 10_000 },
    client: { reconnectAfterInactivityMs: 20_000 },
  },
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: {
        ...shape.data,
        zodError: error.cause instanceof ZodError ? error.cause.flatten() : null,
      },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;

const TRPC_CODE = {
  BAD_REQUEST: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
} as const satisfies Record<AppError["code"], TRPCError["code"]>;

/** Domain errors (AppError) and validation errors (ZodError) become typed tRPC errors. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError) {
      throw new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message, cause });
    }
    if (cause instanceof ZodError) {
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: cause.issues.map((i) => i.message).join("; "),
        cause,
      });
    }
  }
  return result;
});

export const publicProcedure = t.procedure.use(domainErrors);

function requireRole(role: Role) {
  return publicProcedure.use(({ ctx, next }) => {
    if (!ctx.actor) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
    if (!hasRole(ctx.actor.role, role)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `This needs the ${role} role; you are ${ctx.actor.role}`,
      });
    }
    return next({ ctx: { actor: ctx.actor } });
  });
}

export const analystProcedure = requireRole("analyst");
export const operatorProcedure = requireRole("operator");
export const adminProcedure = requireRole("admin");
