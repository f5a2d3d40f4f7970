import { pool } from "@/db/pool";
import { computeQualityReport } from "@/quality/report";
import { sluiceTask } from "../sluice-task";

export const qualityReport = sluiceTask(
  "quality_report",
  async (p) => {
    await computeQualityReport(pool(), p.batchId);
    return undefined;
  },
  { lifecycle: "follow-up" },
);
