// Race-list filters: the distance presets, the query they map to, and the client-side rules used
// to place live (SSE) races into an already loaded, newest-first list.
import type { RaceQuery } from "../api.js";
import type { Race } from "../types.js";

export type DistancePreset = "" | "5k" | "10k" | "half" | "marathon" | "other";

export interface PresetRange {
  label: string;
  standard: number; // meters
  min: number;
  max: number;
}

/** Standard distances with a tolerance for GPS drift and course quirks. */
export const PRESETS: Record<Exclude<DistancePreset, "" | "other">, PresetRange> = {
  "5k": { label: "5K", standard: 5000, min: 4800, max: 5500 },
  "10k": { label: "10K", standard: 10000, min: 9700, max: 10800 },
  half: { label: "Half marathon", standard: 21097.5, min: 20800, max: 22000 },
  marathon: { label: "Marathon", standard: 42195, min: 41800, max: 43500 },
};
export const PRESET_KEYS = Object.keys(PRESETS) as Array<keyof typeof PRESETS>;

export interface RaceFilters {
  athleteId: number | null;
  from: string; // YYYY-MM-DD or ""
  to: string; // YYYY-MM-DD or ""
  distance: DistancePreset;
}

export const EMPTY_FILTERS: RaceFilters = { athleteId: null, from: "", to: "", distance: "" };

/** Which preset a distance falls into, if any. */
export function presetOf(meters: number): keyof typeof PRESETS | null {
  for (const key of PRESET_KEYS) {
    const p = PRESETS[key];
    if (meters >= p.min && meters <= p.max) return key;
  }
  return null;
}

/**
 * Query parameters for GET /api/races. "other" (anything that is not a standard distance) cannot be
 * one min/max range, so it is fetched unfiltered by distance and narrowed on the client.
 */
export function toQuery(f: RaceFilters): RaceQuery {
  const q: RaceQuery = {};
  if (f.athleteId !== null) q.athlete_id = f.athleteId;
  if (f.from) q.from = f.from;
  if (f.to) q.to = f.to;
  if (f.distance && f.distance !== "other") {
    q.min_distance = PRESETS[f.distance].min;
    q.max_distance = PRESETS[f.distance].max;
  }
  return q;
}

const utcDay = (iso: string): string => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? "" : new Date(ms).toISOString().slice(0, 10);
};

/** Does a race belong in a list loaded with these filters? Dates are whole UTC days, as the API reads them. */
export function matchesFilters(race: Race, f: RaceFilters): boolean {
  if (f.athleteId !== null && race.athlete.strava_id !== f.athleteId) return false;
  const day = utcDay(race.start_date);
  if (f.from && day < f.from) return false;
  if (f.to && day > f.to) return false;
  if (f.distance === "other") return presetOf(race.distance) === null;
  if (f.distance) {
    const p = PRESETS[f.distance];
    if (race.distance < p.min || race.distance > p.max) return false;
  }
  return true;
}

/** Newest first; ties broken by activity id (newest id first) so the order is stable. */
export function compareRaces(a: Race, b: Race): number {
  const ta = Date.parse(a.start_date);
  const tb = Date.parse(b.start_date);
  if (ta !== tb) return (Number.isNaN(tb) ? 0 : tb) - (Number.isNaN(ta) ? 0 : ta);
  return b.strava_activity_id - a.strava_activity_id;
}

/**
 * Apply a race.upserted event to a loaded list: the old copy goes, the new one is inserted in its
 * sorted place if it still matches the filters. When more pages exist (`complete` false), a race
 * that sorts after the last loaded one is left for "Load more" to bring.
 */
export function upsertRace(list: readonly Race[], race: Race, f: RaceFilters, complete: boolean): Race[] {
  const rest = list.filter((r) => r.strava_activity_id !== race.strava_activity_id);
  if (!matchesFilters(race, f)) return rest;
  const index = rest.findIndex((r) => compareRaces(race, r) < 0);
  if (index === -1) return complete || rest.length === 0 ? [...rest, race] : rest;
  return [...rest.slice(0, index), race, ...rest.slice(index)];
}

export function removeRace(list: readonly Race[], id: number): Race[] {
  return list.filter((r) => r.strava_activity_id !== id);
}

/** Merge a freshly loaded page, dropping duplicates (a live insert may already have brought one). */
export function appendPage(list: readonly Race[], page: readonly Race[]): Race[] {
  const seen = new Set(list.map((r) => r.strava_activity_id));
  return [...list, ...page.filter((r) => !seen.has(r.strava_activity_id))];
}
