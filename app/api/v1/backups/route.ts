import { optionalJsonBody } from "@/backups/body";
import { listBackups, requestBackup } from "@/backups/catalog";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** GET /api/v1/backups — the catalog, newest first. */
export const GET = restRoute("admin", async () => ({ backups: await listBackups() }));

/** POST /api/v1/backups {"reason"?} — starts a backup now; 202 with its id and job; 409 while one runs. */
export const POST = restRoute("admin", async ({ req, actor }) => {
  const created = await requestBackup((await optionalJsonBody(req)) as { reason?: string }, actor);
  return Response.json({ ...created, status: "queued" }, { status: 202 });
});
