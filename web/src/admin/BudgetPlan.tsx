// The budget planner's day: calls by kind, the projected day against the budget, the club size it serves.
import { For, Show } from "solid-js";
import { formatCount, formatRelative } from "../format.js";
import type { RateLimit } from "../types.js";
import type { Polled } from "./poll.js";

type Planner = RateLimit["planner"];
const KINDS: Array<[keyof Planner["calls_today"], string]> = [
  ["webhook", "Webhook"],
  ["confirmation", "Confirmation"],
  ["follow_up", "Follow-up"],
  ["reconcile", "Reconcile"],
  ["backfill", "Backfill"],
  ["cache", "Cache refresh"],
];

export function BudgetPlan(props: { polled: Polled<RateLimit> }) {
  const p = () => props.polled.data()?.planner;
  const over = () => (p() ? p()!.projected_day.total > p()!.projected_day.limit : false);
  return (
    <section class="panel gauge-panel" aria-labelledby="plan-title" data-testid="budget-plan">
      <h2 id="plan-title">Today's reads</h2>
      <Show when={p()} fallback={<p class="muted">Loading…</p>}>
        {(plan) => (
          <>
            <table class="mini-table">
              <caption class="sr-only">Strava read calls by kind of work</caption>
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col" class="num">Today</th>
                  <th scope="col" class="num">Projected</th>
                  <th scope="col" class="num">Yesterday</th>
                </tr>
              </thead>
              <tbody>
                <For each={KINDS}>
                  {([kind, label]) => (
                    <tr>
                      <td>{label}</td>
                      <td class="num">{formatCount(plan().calls_today[kind])}</td>
                      <td class="num">{formatCount(plan().projected_day.by_kind[kind])}</td>
                      <td class="num">{plan().calls_yesterday ? formatCount(plan().calls_yesterday![kind]) : "—"}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            <p classList={{ "field-error": over() }} data-testid="projected-day">
              Projected day: {formatCount(plan().projected_day.total)} of {formatCount(plan().projected_day.limit)} reads
              ({formatCount(plan().projected_day.webhook_reserve)} kept for webhooks).
            </p>
            <p data-testid="club-capacity">
              {plan().club.athletes_served === null
                ? "Club capacity: known once an athlete is connected."
                : `Serves about ${formatCount(plan().club.athletes_served)} athletes at ${plan().club.reads_per_athlete_day} reads per athlete a day (now ${formatCount(plan().club.athletes)}).`}
            </p>
            <p class="small muted">
              Everyone reconciled every {plan().reconcile_interval_days} d; oldest {formatRelative(plan().oldest_reconcile_at)}.
            </p>
            <p class="small muted" data-testid="oldest-confirmation">
              Oldest race confirmed by Strava {formatRelative(plan().oldest_race_confirmed_at)}
              {plan().max_cache_days ? ` (re-confirmed within ${plan().max_cache_days} d)` : ""}.
            </p>
          </>
        )}
      </Show>
    </section>
  );
}
