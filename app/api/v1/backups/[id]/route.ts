import { backupIdSchema, getBackup } from "@/backups/catalog";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** GET /api/v1/backups/{id} — status, size, duration, row counts, verify result. */
export const GET = restRoute<"admin", { id: string }>("admin", async ({ params }) =>
  getBackup(backupIdSchema.parse(params.id)),
);
