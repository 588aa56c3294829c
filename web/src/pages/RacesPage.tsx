import { createMemo, createSignal, Show } from "solid-js";
import { isUnauthorized } from "../api.js";
import { RaceCharts } from "../charts/RaceCharts.js";
import { EMPTY_FILTERS, type RaceFilters } from "../races/filters.js";
import { LoadMore } from "../races/LoadMore.js";
import { EventNameEditor } from "../me/EventNameEditor.js";
import { useSession } from "../session.js";
import type { Race } from "../types.js";
import { createRaceList } from "../races/race-list.js";
import { RaceFiltersBar } from "../races/RaceFilters.js";
import { RaceTable } from "../races/RaceTable.js";
import { EmptyState, ErrorPanel, ListStates } from "../ui/states.js";
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
  const session = useSession();
  // An admin names the event of any race, right on the board (athletes name their own on the Me page).
  const adminEventName = (race: Race) => (
    <EventNameEditor race={race} onChange={(name) => list.patch(race.strava_activity_id, (r) => ({ ...r, event_name: name }))} />
  );
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
        <ListStates loading={list.loading()} error={list.error()} count={list.races().length} what="the races" onRetry={list.reload}
          empty={
            <EmptyState title="No races found" testid="races-empty">
              <span class="muted">
                {JSON.stringify(filters()) === JSON.stringify(EMPTY_FILTERS)
                  ? "Nobody has raced yet — the next race will show up here live."
                  : "Nothing matches these filters. Try a wider date range or another distance."}
              </span>
            </EmptyState>
          }>
          <RaceTable races={list.races()} isFresh={list.isFresh} caption="Club races, newest first" eventName={session.isAdmin() ? adminEventName : undefined} />
          <Show when={list.error()}>
            <ErrorPanel title="Couldn't load more races" error={list.error()} onRetry={() => void list.loadMore()} />
          </Show>
          <LoadMore list={list} />
        </ListStates>
      </section>
    </Show>
  );
}
