import { PageHeader } from "../ui/page-header";
import { PromotionHistory } from "./promotion-history";
import { ReadyBatches } from "./ready-batches";

/** The Promotions page: batches waiting to go to production, and what went there before. */
export function PromotionsOverview({ canPromote }: { canPromote: boolean }) {
  return (
    <div className="max-w-7xl space-y-6">
      <PageHeader
        title="Promotions"
        description={
          canPromote
            ? "Review a staged batch, promote it to production in one transaction, and revert it if needed."
            : "Staged batches waiting for an admin to promote them, and what was promoted before (read-only)."
        }
      />
      <section aria-labelledby="ready-title" className="space-y-2">
        <div>
          <h2 id="ready-title" className="text-sm font-semibold text-slate-800">
            Ready to promote
          </h2>
          <p className="text-xs text-slate-500">
            New, changed and unchanged compare each batch with production when it was staged; the review
            counts again against production as it is now.
          </p>
        </div>
        <ReadyBatches canPromote={canPromote} />
      </section>
      <section id="history" aria-labelledby="history-title" className="scroll-mt-6 space-y-2">
        <div>
          <h2 id="history-title" className="text-sm font-semibold text-slate-800">
            History
          </h2>
          <p className="text-xs text-slate-500">
            Every promotion keeps what it changed, so a revert restores production exactly as it was.
          </p>
        </div>
        <PromotionHistory canRevert={canPromote} label="Promotion history" />
      </section>
    </div>
  );
}
