// Pure data shaping for the charts (unit-tested in test/web).
import { monthKey } from "../format.js";
import { PRESETS, presetOf, type PRESET_KEYS } from "../races/filters.js";
import type { Race } from "../types.js";

export interface MonthCount {
  key: string; // YYYY-MM
  count: number;
}

function nextMonth(key: string): string {
  const [y, m] = key.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}

/** Races per month, every month from the first to the last present (gaps as 0), the last `max` kept. */
export function racesPerMonth(races: readonly Race[], max = 24): MonthCount[] {
  const counts = new Map<string, number>();
  for (const r of races) {
    const key = monthKey(r.start_date_local || r.start_date);
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  if (counts.size === 0) return [];
  const keys = [...counts.keys()].sort();
  const out: MonthCount[] = [];
  for (let k = keys[0]!, last = keys[keys.length - 1]!; k <= last; k = nextMonth(k)) {
    out.push({ key: k, count: counts.get(k) ?? 0 });
  }
  return out.slice(-max);
}

export interface BestPoint {
  t: number; // epoch ms of the race
  seconds: number; // time scaled to the exact standard distance
  race: Race;
}

export interface BestSeries {
  athleteId: number;
  athlete: string;
  points: BestPoint[]; // the races that set a new personal best, in date order
}

type PresetKey = (typeof PRESET_KEYS)[number];

/** Elapsed time scaled linearly to the preset's exact distance (a 5.08 km "5K" is judged as 5.00 km). */
export function normalizedTime(race: Race, preset: PresetKey): number {
  return (race.elapsed_time * PRESETS[preset].standard) / race.distance;
}

/** Each athlete's running personal best at one standard distance: a point for every new best. */
export function bestTimesOverTime(races: readonly Race[], preset: PresetKey): BestSeries[] {
  const byAthlete = new Map<number, { name: string; races: Race[] }>();
  for (const r of races) {
    if (presetOf(r.distance) !== preset || !(r.elapsed_time > 0)) continue;
    const id = r.athlete.strava_id;
    let entry = byAthlete.get(id);
    if (!entry) byAthlete.set(id, (entry = { name: r.athlete.name, races: [] }));
    entry.races.push(r);
  }
  const series: BestSeries[] = [];
  for (const [athleteId, { name, races: list }] of byAthlete) {
    list.sort((a, b) => Date.parse(a.start_date) - Date.parse(b.start_date));
    const points: BestPoint[] = [];
    let best = Infinity;
    for (const race of list) {
      const seconds = normalizedTime(race, preset);
      if (seconds < best) {
        best = seconds;
        points.push({ t: Date.parse(race.start_date), seconds, race });
      }
    }
    series.push({ athleteId, athlete: name, points });
  }
  return series.sort((a, b) => a.athlete.localeCompare(b.athlete));
}

/** "Nice" axis ticks between lo and hi (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw) as number;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) ticks.push(Number(v.toFixed(10)));
  return ticks;
}

const TIME_STEPS = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

/** Axis ticks for durations in seconds, on round clock values (30 s, 1 min, 5 min, …). */
export function timeTicks(lo: number, hi: number, count = 3): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const step = TIME_STEPS.find((s) => s >= raw) ?? Math.ceil(raw / 3600) * 3600;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) ticks.push(v);
  return ticks;
}
