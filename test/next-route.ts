import { AppRouteRouteModule } from "next/dist/server/route-modules/app-route/module";
import { NextRequest } from "next/server";

type RouteFile = Record<string, unknown>;

/**
 * Calls an app/ route handler the way `next start` does: through Next's own route module, inside
 * the request scope that `headers()` and `cookies()` (and so NextAuth's getServerSession) read.
 * Called bare, outside that scope, `headers()` throws.
 */
export function nextRoute(routeFile: RouteFile, pathname: string) {
  const routeModule = new AppRouteRouteModule({
    userland: () => routeFile,
    definition: {
      kind: "APP_ROUTE", // RouteKind.APP_ROUTE, a const enum
      page: `${pathname}/route`,
      pathname,
      filename: "route",
      bundlePath: `app${pathname}/route`,
    },
    distDir: ".next",
    relativeProjectDir: "",
    resolvedPagePath: `app${pathname}/route.ts`,
    nextConfigOutput: undefined,
  } as unknown as ConstructorParameters<typeof AppRouteRouteModule>[0]);

  return (request: Request, params: Record<string, string> = {}): Promise<Response> =>
    routeModule.handle(new NextRequest(request), {
      params,
      previewProps: { previewModeId: "", previewModeEncryptionKey: "", previewModeSigningKey: "" },
      renderOpts: { experimental: {}, cacheComponents: false, isDraftMode: false },
      sharedContext: { buildId: "test" },
    } as unknown as Parameters<AppRouteRouteModule["handle"]>[1]);
}
