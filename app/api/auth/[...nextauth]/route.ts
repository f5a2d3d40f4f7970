import NextAuth from "next-auth";
import { clientIp } from "@/auth/actor";
import { authOptions } from "@/auth/options";
import { signInRetryAfter } from "@/auth/sign-in-throttle";

export const dynamic = "force-dynamic";

const nextAuth = NextAuth(authOptions);

type RouteContext = { params: Promise<{ nextauth: string[] }> };

/**
 * Sign-in attempts for a locked email or address are answered 429 before NextAuth sees them. The
 * body keeps NextAuth's `{url}` shape so its client reports `error=TooManyAttempts`.
 */
async function POST(req: Request, ctx: RouteContext) {
  const { nextauth } = await ctx.params;
  if (nextauth.join("/") === "callback/credentials") {
    const form = await req.clone().formData();
    const email = String(form.get("email") ?? "");
    const retryAfter = await signInRetryAfter(email, clientIp(req.headers));
    if (retryAfter > 0) {
      const url = new URL("/signin?error=TooManyAttempts", req.url).toString();
      return Response.json({ url }, { status: 429, headers: { "Retry-After": String(retryAfter) } });
    }
  }
  return nextAuth(req, ctx);
}

export { nextAuth as GET, POST };
