import { For, Show, type JSX } from "solid-js";
import { formatDate, formatDuration, formatElevation, formatHeartRate, formatKm, formatPace } from "../format.js";
import type { Race } from "../types.js";
import { ViewOnStrava } from "../ui/strava.js";

export interface RaceTableProps {
  races: Race[];
  isFresh?: (id: number) => boolean;
  showAthlete?: boolean;
  /** Renders the event-name cell (the Me page puts the inline editor here). */
  eventName?: (race: Race) => JSX.Element;
  caption: string;
}

/**
 * Race time is the elapsed time: a race clock does not stop. Moving time is in the tooltip.
 * Below 720 px the rows become cards (see styles.css); data-label names each cell there.
 */
export function RaceTable(props: RaceTableProps) {
  const showAthlete = () => props.showAthlete !== false;
  return (
    <div class="table-wrap">
      <table class="race-table">
        <caption class="sr-only">{props.caption}</caption>
        <thead>
          <tr>
            <Show when={showAthlete()}>
              <th scope="col">Athlete</th>
            </Show>
            <th scope="col">Date</th>
            <th scope="col">Race</th>
            <th scope="col">Event</th>
            <th scope="col" class="num">Distance <span class="unit">km</span></th>
            <th scope="col" class="num">Time</th>
            <th scope="col" class="num">Pace <span class="unit">/km</span></th>
            <th scope="col" class="num">Elev. <span class="unit">m</span></th>
            <th scope="col" class="num">Avg HR</th>
            <th scope="col"><span class="sr-only">Links</span></th>
          </tr>
        </thead>
        <tbody>
          <For each={props.races}>
            {(race) => (
              <tr
                data-testid="race-row"
                data-activity-id={race.strava_activity_id}
                classList={{ fresh: props.isFresh?.(race.strava_activity_id) ?? false }}
              >
                <Show when={showAthlete()}>
                  <td class="athlete-cell" data-label="Athlete">{race.athlete.name}</td>
                </Show>
                <td class="nowrap" data-label="Date">
                  <time datetime={race.start_date}>{formatDate(race.start_date_local || race.start_date)}</time>
                </td>
                <td class="name-cell" data-label="Race">
                  {race.name}
                  <PrivacyMark race={race} />
                </td>
                <td class="event-cell" data-label="Event">
                  {props.eventName ? props.eventName(race) : (race.event_name || <span class="muted">—</span>)}
                </td>
                <td class="num" data-label="Distance">{formatKm(race.distance)}</td>
                <td class="num strong" data-label="Time" title={`Moving time ${formatDuration(race.moving_time)}`}>
                  {formatDuration(race.elapsed_time)}
                </td>
                <td class="num" data-label="Pace">{formatPace(race.elapsed_time, race.distance)}</td>
                <td class="num" data-label="Elevation">{formatElevation(race.total_elevation_gain)}</td>
                <td class="num" data-label="Avg HR">{formatHeartRate(race.average_heartrate)}</td>
                <td class="link-cell">
                  <ViewOnStrava id={race.strava_activity_id} />
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

const VISIBILITY_LABELS: Record<Race["visibility"], string> = {
  everyone: "Everyone",
  followers_only: "Followers",
  only_me: "Only You",
};

/**
 * Only the race's athlete and admins are ever sent a race that is not on the board: a lock says
 * Strava keeps it private, "not on the board" that its athlete is not shared (or is hidden).
 */
function PrivacyMark(props: { race: Race }) {
  return (
    <Show when={!props.race.on_board}>
      <Show
        when={props.race.visibility !== "everyone"}
        fallback={<span class="flag privacy-mark" data-testid="off-board-mark"> · not on the board</span>}
      >
        <span
          class="privacy-mark"
          role="img"
          data-testid="private-lock"
          aria-label={`Private: ${VISIBILITY_LABELS[props.race.visibility]} on Strava, not on the club board`}
          title={`${VISIBILITY_LABELS[props.race.visibility]} on Strava: not on the club board`}
        >
          <LockIcon />
        </span>
      </Show>
    </Show>
  );
}

function LockIcon() {
  return (
    <svg class="lock-icon" width="12" height="12" viewBox="0 0 16 16" aria-hidden="true">
      <path fill="currentColor" d="M4 7V5a4 4 0 1 1 8 0v2h1a1 1 0 0 1 1 1v7a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1h1Zm2 0h4V5a2 2 0 1 0-4 0v2Z" />
    </svg>
  );
}
