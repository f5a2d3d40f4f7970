import { z } from "zod";
import { roleSchema } from "@/auth/roles";
import { createUser, createUserInput, listUsers, setUserDisabled, setUserRole } from "@/users/users";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const usersRouter = createTRPCRouter({
  list: adminProcedure.query(() => listUsers()),
  create: adminProcedure.input(createUserInput).mutation(({ ctx, input }) => createUser(input, ctx.actor)),
  setRole: adminProcedure
    .input(z.object({ id: z.uuid(), role: roleSchema }))
    .mutation(({ ctx, input }) => setUserRole(input.id, input.role, ctx.actor)),
  setDisabled: adminProcedure
    .input(z.object({ id: z.uuid(), disabled: z.boolean() }))
    .mutation(({ ctx, input }) => setUserDisabled(input.id, input.disabled, ctx.actor)),
});
