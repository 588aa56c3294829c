import { createEffect, createMemo, Show } from "solid-js";
import { EMPTY_FILTERS, type RaceFilters } from "../races/filters.js";
import { createRaceList } from "../races/race-list.js";
import { BestTimes } from "./BestTimes.js";
import { racesPerMonth } from "./chart-data.js";
import { MonthlyBars } from "./MonthlyBars.js";

const MAX_RACES = 1000;

/** Charts for the athlete and date filters (all distances), up to MAX_RACES races, kept live. */
export function RaceCharts(props: { filters: RaceFilters }) {
  const chartFilters = createMemo(
    () => ({ ...EMPTY_FILTERS, athleteId: props.filters.athleteId, from: props.filters.from, to: props.filters.to }),
    undefined,
    { equals: (a, b) => a.athleteId === b.athleteId && a.from === b.from && a.to === b.to },
  );
  const list = createRaceList(chartFilters, 200);
  createEffect(() => {
    if (!list.loading() && !list.loadingMore() && !list.error() && list.hasMore() && list.races().length < MAX_RACES) {
      void list.loadMore();
    }
  });
  const months = createMemo(() => racesPerMonth(list.races()));

  return (
    <Show when={!list.error()}>
      <section class="panel charts" aria-label="Charts" aria-busy={list.loading() || list.loadingMore()}>
        <Show when={!list.loading()} fallback={<div class="chart-skeleton" aria-hidden="true" />}>
          <div class="charts-grid">
            <MonthlyBars data={months()} />
            <BestTimes races={list.races()} />
          </div>
        </Show>
      </section>
    </Show>
  );
}
