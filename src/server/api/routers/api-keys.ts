import { z } from "zod";
import {
  createApiKey,
  createApiKeyInput,
  listApiKeys,
  revokeApiKey,
  setApiKeyRole,
} from "@/api-keys/api-keys";
import { roleSchema } from "@/auth/roles";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const apiKeysRouter = createTRPCRouter({
  list: adminProcedure.query(() => listApiKeys()),
  /** Answers the key itself once; only its hash is kept. */
  create: adminProcedure
    .input(createApiKeyInput)
    .mutation(({ ctx, input }) => createApiKey(input, ctx.actor)),
  revoke: adminProcedure
    .input(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => revokeApiKey(input.id, ctx.actor)),
  setRole: adminProcedure
    .input(z.object({ id: z.uuid(), role: roleSchema }))
    .mutation(({ ctx, input }) => setApiKeyRole(input.id, input.role, ctx.actor)),
});
