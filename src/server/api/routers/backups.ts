import { tracked } from "@trpc/server";
import { z } from "zod";
import {
  backupIdSchema,
  createBackupInput,
  getBackup,
  getRetentionSettings,
  listBackups,
  requestBackup,
  setRetentionSettings,
} from "@/backups/catalog";
import { previewRestore, restoreBackup, restoreInput } from "@/backups/restore";
import { applyRetention } from "@/backups/retention";
import { requestVerify } from "@/backups/verify";
import { liveHub } from "@/server/live";
import { adminProcedure, createTRPCRouter } from "../trpc";

const byId = z.object({ id: backupIdSchema });

export const backupsRouter = createTRPCRouter({
  list: adminProcedure.query(() => listBackups()),
  get: adminProcedure.input(byId).query(({ input }) => getBackup(input.id)),
  create: adminProcedure
    .input(createBackupInput)
    .mutation(({ ctx, input }) => requestBackup(input, ctx.actor)),
  verify: adminProcedure.input(byId).mutation(({ ctx, input }) => requestVerify(input.id, ctx.actor)),
  restorePreview: adminProcedure
    .input(byId.extend(restoreInput.shape))
    .query(({ input }) => previewRestore(input.id, { dataset: input.dataset })),
  restore: adminProcedure
    .input(byId.extend(restoreInput.shape))
    .mutation(({ ctx, input }) => restoreBackup(input.id, { dataset: input.dataset }, ctx.actor)),
  retention: adminProcedure.query(() => getRetentionSettings()),
  setRetention: adminProcedure
    .input(z.object({ keepDaily: z.number(), keepWeekly: z.number() }))
    .mutation(({ ctx, input }) => setRetentionSettings(input, ctx.actor)),
  applyRetention: adminProcedure.mutation(({ ctx }) => applyRetention(ctx.actor)),
  /** Live backup progress over SSE: tables done, bytes, rate; `{reconnected}` means refetch. */
  live: adminProcedure.subscription(async function* ({ signal }) {
    let seq = 0;
    for await (const e of liveHub().events(signal)) {
      if (e === "reconnect") {
        yield tracked(String(++seq), { reconnected: true as const });
        continue;
      }
      if (e === "tick" || e.type !== "backup") continue;
      yield tracked(String(++seq), e);
    }
  }),
});
