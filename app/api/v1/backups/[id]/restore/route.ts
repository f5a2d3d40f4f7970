import { optionalJsonBody } from "@/backups/body";
import { backupIdSchema } from "@/backups/catalog";
import { previewRestore, restoreBackup, restoreInput } from "@/backups/restore";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** GET /api/v1/backups/{id}/restore[?dataset=] — the preview: rows now vs in the backup, promotions undone. */
export const GET = restRoute<"admin", { id: string }>("admin", async ({ req, params }) => {
  const dataset = new URL(req.url).searchParams.get("dataset") ?? undefined;
  return previewRestore(backupIdSchema.parse(params.id), restoreInput.parse({ dataset }));
});

/** POST /api/v1/backups/{id}/restore {"dataset"?} — restores in one transaction; answers when done. */
export const POST = restRoute<"admin", { id: string }>("admin", async ({ req, params, actor }) =>
  restoreBackup(backupIdSchema.parse(params.id), restoreInput.parse(await optionalJsonBody(req)), actor),
);
