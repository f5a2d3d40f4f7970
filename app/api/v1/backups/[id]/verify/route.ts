import { backupIdSchema } from "@/backups/catalog";
import { requestVerify } from "@/backups/verify";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

/** POST /api/v1/backups/{id}/verify — queues checksums + trial restore; 202 with the job. */
export const POST = restRoute<"admin", { id: string }>("admin", async ({ params, actor }) =>
  Response.json(await requestVerify(backupIdSchema.parse(params.id), actor), { status: 202 }),
);
