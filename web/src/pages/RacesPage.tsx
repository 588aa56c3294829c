import { createMemo, createSignal, Match, Show, Switch } from "solid-js";
import { isUnauthorized } from "../api.js";
import { RaceCharts } from "../charts/RaceCharts.js";
import { EMPTY_FILTERS, type RaceFilters } from "../races/filters.js";
import { LoadMore } from "../races/LoadMore.js";
import { createRaceList } from "../races/race-list.js";
import { RaceFiltersBar } from "../races/RaceFilters.js";
import { RaceTable } from "../races/RaceTable.js";
import { EmptyState, ErrorPanel, Spinner } from "../ui/states.js";
import { ConnectWithStrava } from "../ui/strava.js";

function MembersOnly() {
  return (
    <section class="panel hero" data-testid="members-only">
      <h1>Connect with Strava to see the club's races</h1>
      <p class="muted">
        The race board is for club members. Connect your Strava account and your races are added automatically —
        you choose whether they appear on the board.
      </p>
      <ConnectWithStrava />
    </section>
  );
}

export function RacesPage() {
  const [filters, setFilters] = createSignal<RaceFilters>({ ...EMPTY_FILTERS });
  const list = createRaceList(filters);
  const unauthorized = () => isUnauthorized(list.error());
  // The charts load their own (bigger) pages: only once the board has answered, so a visitor who may
  // not see it gets one 401, not one per component.
  const loadedOnce = createMemo<boolean>((was) => was || (!list.loading() && !list.error()), false);

  return (
    <Show when={!unauthorized()} fallback={<MembersOnly />}>
      <div class="page-head">
        <h1>Club races</h1>
        <p class="muted">Every race the club runs on Strava, newest first. New ones appear here as they happen.</p>
      </div>
      <Show when={loadedOnce()}>
        <RaceCharts filters={filters()} />
      </Show>
      <section class="panel" aria-labelledby="race-list-title">
        <h2 id="race-list-title" class="sr-only">
          Races
        </h2>
        <RaceFiltersBar value={filters()} onChange={setFilters} />
        <Switch>
          <Match when={list.loading()}>
            <Spinner label="Loading races…" />
          </Match>
          <Match when={list.error() && list.races().length === 0}>
            <ErrorPanel title="Couldn't load the races" error={list.error()} onRetry={list.reload} />
          </Match>
          <Match when={list.races().length === 0}>
            <EmptyState title="No races found" testid="races-empty">
              <span class="muted">
                {filters() === EMPTY_FILTERS || JSON.stringify(filters()) === JSON.stringify(EMPTY_FILTERS)
                  ? "Nobody has raced yet — the next race will show up here live."
                  : "Nothing matches these filters. Try a wider date range or another distance."}
              </span>
            </EmptyState>
          </Match>
          <Match when={true}>
            <RaceTable races={list.races()} isFresh={list.isFresh} caption="Club races, newest first" />
            <Show when={list.error()}>
              <ErrorPanel title="Couldn't load more races" error={list.error()} onRetry={() => void list.loadMore()} />
            </Show>
            <LoadMore list={list} />
          </Match>
        </Switch>
      </section>
    </Show>
  );
}
