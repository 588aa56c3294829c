// What "reconcile everyone" costs, in the words of the confirm dialog.
import { formatCount, formatSpan } from "../format.js";
import type { ReconcilePreview } from "../types.js";

export function reconcileCostText(c: ReconcilePreview): string {
  const imports = c.imports_to_resume > 0 ? ` and resumes ${formatCount(c.imports_to_resume)} interrupted imports` : "";
  const when = c.seconds_to_finish === 0 ? "within the current 15-minute window" : `in about ${formatSpan(c.seconds_to_finish)}`;
  const spill = c.spills_into_next_day ? " Today's budget cannot hold it all: the rest waits for tomorrow." : "";
  return (
    `This reconciles ${formatCount(c.athletes)} athletes${imports}: about ${formatCount(c.calls)} Strava calls, ` +
    `${Math.round(c.share_of_daily_budget * 100)}% of today's budget, finished ${when} (webhook work still goes first).${spill}`
  );
}
