import { pool } from "@/db/pool";
import { qualifiesForAutoPromotion } from "@/promotion/auto";
import { computeQualityReport } from "@/quality/report";
import { addFollowUpTask } from "@/queue/jobs";
import { sluiceTask } from "../sluice-task";

export const qualityReport = sluiceTask(
  "quality_report",
  async (p) => {
    await computeQualityReport(pool(), p.batchId);
    // A dataset that opts in promotes a batch that passed its gate by itself, as a task of its own.
    if ((await qualifiesForAutoPromotion(p.batchId)).ok) {
      await addFollowUpTask(pool(), "auto_promote", p, { jobKey: `auto_promote:${p.batchId}` });
    }
    return undefined;
  },
  { lifecycle: "follow-up" },
);
