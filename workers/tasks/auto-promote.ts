import { autoPromoteBatch } from "@/promotion/auto";
import { sluiceTask } from "../sluice-task";

/** After a passing quality report of an auto-promoting dataset: the batch goes to production. */
export const autoPromote = sluiceTask(
  "auto_promote",
  async (p, helpers) => {
    const outcome = await autoPromoteBatch(p.batchId);
    if (outcome.promoted) {
      helpers.logger.info(`auto_promote: batch ${p.batchId} promoted (${outcome.result.promotionId})`);
    } else {
      helpers.logger.info(`auto_promote: batch ${p.batchId} not promoted: ${outcome.reason}`);
    }
    return undefined;
  },
  { lifecycle: "follow-up" },
);
