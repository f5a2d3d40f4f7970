import { z } from "zod";
import { jobView } from "@/queue/job-view";
import { restRoute } from "@/server/rest";

export const dynamic = "force-dynamic";

export const GET = restRoute<"analyst", { id: string }>("analyst", async ({ params }) =>
  jobView(z.uuid("not a job id").parse(params.id)),
);
