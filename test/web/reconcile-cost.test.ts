import { describe, expect, it } from "vitest";
import { reconcileCostText } from "../../web/src/admin/reconcile-cost.js";

describe("the reconcile-everyone confirm dialog", () => {
  it("states the calls, the share of today's budget and the time to finish before anything starts", () => {
    const text = reconcileCostText({
      athletes: 200, imports_to_resume: 3, calls: 243, seconds_to_finish: 3300,
      share_of_daily_budget: 0.243, daily_calls_left: 900, spills_into_next_day: false,
    });
    expect(text).toBe(
      "This reconciles 200 athletes and resumes 3 interrupted imports: about 243 Strava calls, 24% of today's budget, " +
        "finished in about 55 min (webhook work still goes first).",
    );
  });

  it("says when today's budget cannot hold it all", () => {
    const text = reconcileCostText({
      athletes: 900, imports_to_resume: 0, calls: 1080, seconds_to_finish: 0,
      share_of_daily_budget: 1.08, daily_calls_left: 400, spills_into_next_day: true,
    });
    expect(text).toMatch(/within the current 15-minute window.*the rest waits for tomorrow\.$/);
  });
});
