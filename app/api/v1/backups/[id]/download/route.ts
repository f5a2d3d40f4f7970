import { Readable } from "node:stream";
import { recordAudit } from "@/audit/audit";
import { backupIdSchema, getBackup } from "@/backups/catalog";
import { backupStorage } from "@/backups/storage";
import { AppError } from "@/server/errors";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** GET /api/v1/backups/{id}/download — the archive (tar), streamed. */
export const GET = restRoute<"admin", { id: string }>("admin", async ({ params, actor }) => {
  const id = backupIdSchema.parse(params.id);
  const backup = await getBackup(id);
  const storage = backupStorage();
  const size = await storage.size(id);
  if (backup.status !== "succeeded" || size === null) {
    throw new AppError("NOT_FOUND", `Backup ${id} has no archive to download (${backup.status})`);
  }
  await recordAudit(actor, "backup.download", { type: "backup", id });
  const stream = await storage.get(id);
  const stamp = backup.createdAt.slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: {
      "content-type": "application/x-tar",
      "content-length": String(size),
      "content-disposition": `attachment; filename="sluice-backup-${stamp}-${id.slice(0, 8)}.tar"`,
    },
  });
});
