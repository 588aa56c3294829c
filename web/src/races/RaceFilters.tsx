import { createResource, For, Show } from "solid-js";
import { api, athleteName } from "../api.js";
import { useSession } from "../session.js";
import { EMPTY_FILTERS, PRESET_KEYS, PRESETS, type DistancePreset, type RaceFilters } from "./filters.js";

const DISTANCE_OPTIONS: Array<{ value: DistancePreset; label: string }> = [
  { value: "", label: "All" },
  ...PRESET_KEYS.map((k) => ({ value: k as DistancePreset, label: k === "half" ? "Half" : PRESETS[k].label })),
  { value: "other", label: "Other" },
];

export function RaceFiltersBar(props: { value: RaceFilters; onChange: (f: RaceFilters) => void }) {
  const session = useSession();
  // GET /api/athletes is for members, even on a public board: signed-out visitors get no athlete filter.
  const [athletes] = createResource(() => session.me()?.strava_id, async () => {
    try {
      return (await api.athletes()).sort((a, b) => athleteName(a).localeCompare(athleteName(b)));
    } catch {
      return []; // the filter degrades to "Everyone"; the table shows the real error
    }
  });
  const set = (patch: Partial<RaceFilters>) => props.onChange({ ...props.value, ...patch });
  const isFiltered = () =>
    props.value.athleteId !== null || props.value.from !== "" || props.value.to !== "" || props.value.distance !== "";

  return (
    <form class="filters" role="search" aria-label="Filter races" onSubmit={(e) => e.preventDefault()}>
      <Show when={session.me()}>
        <div class="field">
          <label for="filter-athlete">Athlete</label>
          <select
            id="filter-athlete"
            data-testid="filter-athlete"
            value={props.value.athleteId === null ? "" : String(props.value.athleteId)}
            onChange={(e) => set({ athleteId: e.currentTarget.value ? Number(e.currentTarget.value) : null })}
          >
            <option value="">Everyone</option>
            <For each={athletes() ?? []}>
              {(a) => (
                <option value={String(a.strava_id)}>
                  {athleteName(a)}
                  {typeof a.race_count === "number" ? ` (${a.race_count})` : ""}
                </option>
              )}
            </For>
          </select>
        </div>
      </Show>
      <DateField id="from" label="From" value={props.value.from} max={props.value.to} onChange={(from) => set({ from })} />
      <DateField id="to" label="To" value={props.value.to} min={props.value.from} onChange={(to) => set({ to })} />
      <fieldset class="field chips">
        <legend>Distance</legend>
        <div class="chip-row">
          <For each={DISTANCE_OPTIONS}>
            {(opt) => (
              <label class="chip" classList={{ "chip-on": props.value.distance === opt.value }}>
                <input
                  type="radio"
                  name="distance"
                  value={opt.value}
                  data-testid={`filter-distance-${opt.value || "all"}`}
                  checked={props.value.distance === opt.value}
                  onChange={() => set({ distance: opt.value })}
                />
                {opt.label}
              </label>
            )}
          </For>
        </div>
      </fieldset>
      <Show when={isFiltered()}>
        <button type="button" class="btn btn-ghost clear-filters" onClick={() => props.onChange({ ...EMPTY_FILTERS })}>
          Clear filters
        </button>
      </Show>
    </form>
  );
}

/** One end of the date range (YYYY-MM-DD, bounded by the other end). */
function DateField(props: { id: string; label: string; value: string; min?: string; max?: string; onChange: (value: string) => void }) {
  return (
    <div class="field">
      <label for={`filter-${props.id}`}>{props.label}</label>
      <input
        id={`filter-${props.id}`}
        type="date"
        data-testid={`filter-${props.id}`}
        value={props.value}
        min={props.min || undefined}
        max={props.max || undefined}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      />
    </div>
  );
}
