import { z } from "zod";
import { listAuditEvents } from "@/audit/audit";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const auditRouter = createTRPCRouter({
  list: adminProcedure
    .input(
      z.object({
        limit: z.number().int().min(1).max(200).default(50),
        cursor: z.string().regex(/^\d+$/).optional(),
      }),
    )
    .query(({ input }) =>
      listAuditEvents({ limit: input.limit, cursor: input.cursor ? BigInt(input.cursor) : undefined }),
    ),
});
