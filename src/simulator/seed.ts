import type { Random } from "./random.js";
import { isoOf, type SimActivityInput } from "./store.js";

export interface HistoryOptions {
  count: number;
  /** Share of activities that are races (run sport type + workout_type 1). Default 0.25. */
  raceShare?: number;
  /** Number of groups of activities that share the SAME start_date (pagination at equal timestamps). */
  sameStartDateGroups?: number;
  /** Activities per same-start_date group. Default 3. */
  sameStartDateGroupSize?: number;
  /** Newest activity starts at or before this; default the simulator's now minus one hour. */
  start?: Date;
  /** Mean gap between consecutive activities going back in time. Default 30 h. */
  spacingHours?: number;
  /** Share of Only-Me activities. Default 0. */
  privateShare?: number;
}

const RACE_DISTANCES = [
  { label: "5K", meters: 5000 },
  { label: "10K", meters: 10000 },
  { label: "Half Marathon", meters: 21097.5 },
  { label: "Marathon", meters: 42195 },
];
const TOWNS = ["Riverside", "Lakeview", "Hillcrest", "Oak Park", "Harbor", "Brookfield", "Cedar Falls"];
const TIMEZONES = [
  { timezone: "(GMT+00:00) Europe/London", offset: 0 },
  { timezone: "(GMT+01:00) Europe/Paris", offset: 3600 },
  { timezone: "(GMT-05:00) America/New_York", offset: -18000 },
];
const RUN_SPORTS = ["Run", "Run", "Run", "TrailRun", "VirtualRun"];
const OTHER_SPORTS = ["Run", "Run", "Run", "Run", "TrailRun", "VirtualRun", "Ride", "Ride", "Walk"];

/** Realistic race and training activities, newest first, spread back in time from `start`. */
export function generateHistory(random: Random, nowSeconds: number, opts: HistoryOptions): SimActivityInput[] {
  const newest = Math.floor((opts.start?.getTime() ?? (nowSeconds - 3600) * 1000) / 1000);
  const spacing = (opts.spacingHours ?? 30) * 3600;
  let startAt = newest;
  const items: SimActivityInput[] = [];
  for (let i = 0; i < opts.count; i++) {
    const item = random.chance(opts.raceShare ?? 0.25) ? race(random, startAt) : training(random, startAt);
    if (random.chance(opts.privateShare ?? 0)) item.visibility = "only_me";
    items.push(item);
    startAt -= Math.round(spacing * (0.5 + random.next()));
  }
  shareStartDates(items, opts.sameStartDateGroups ?? 0, opts.sameStartDateGroupSize ?? 3);
  return items;
}

/** Gives each group of consecutive activities the start_date of its first member. */
function shareStartDates(items: SimActivityInput[], groups: number, size: number): void {
  const stride = Math.max(size, Math.floor(items.length / Math.max(1, groups)));
  for (let g = 0; g < groups; g++) {
    const first = items[g * stride];
    if (!first) return;
    for (let k = 1; k < size; k++) {
      const member = items[g * stride + k];
      if (member) member.start_date = first.start_date;
    }
  }
}

function race(random: Random, startAt: number): SimActivityInput {
  const distance = random.pick(RACE_DISTANCES);
  const secondsPerKm = random.int(200, 380);
  const sport = random.pick(RUN_SPORTS);
  const town = random.pick(TOWNS);
  const name = sport === "VirtualRun" ? `Virtual ${distance.label} Challenge` : `${town} ${distance.label}`;
  return base(random, startAt, { name, sport_type: sport, workout_type: 1, meters: distance.meters * (1 + random.next() * 0.02), secondsPerKm });
}

function training(random: Random, startAt: number): SimActivityInput {
  const sport = random.pick(OTHER_SPORTS);
  if (sport === "Ride") {
    return base(random, startAt, { name: "Afternoon Ride", sport_type: sport, workout_type: random.pick([10, 12, null]), meters: random.int(15, 90) * 1000, secondsPerKm: random.int(100, 160) });
  }
  if (sport === "Walk") {
    return base(random, startAt, { name: "Evening Walk", sport_type: sport, workout_type: null, meters: random.int(2, 8) * 1000, secondsPerKm: random.int(540, 720) });
  }
  const kind = random.pick([0, 0, 0, 2, 3, null] as const);
  const name = kind === 2 ? "Long Run" : kind === 3 ? "Intervals" : sport === "TrailRun" ? "Trail Run" : "Morning Run";
  const km = kind === 2 ? random.int(18, 32) : random.int(5, 14);
  return base(random, startAt, { name, sport_type: sport, workout_type: kind, meters: km * 1000 + random.int(0, 999), secondsPerKm: random.int(260, 400) });
}

interface Shape { name: string; sport_type: string; workout_type: number | null; meters: number; secondsPerKm: number }

function base(random: Random, startAt: number, s: Shape): SimActivityInput {
  const moving = Math.round((s.meters / 1000) * s.secondsPerKm);
  const tz = random.pick(TIMEZONES);
  const hasHr = random.chance(0.85);
  const avgHr = random.int(135, 172);
  const low = random.int(0, 200);
  const gain = Math.round((s.sport_type === "TrailRun" ? s.meters / 25 : s.meters / 200) * (0.5 + random.next()) * 10) / 10;
  return {
    name: s.name,
    sport_type: s.sport_type,
    workout_type: s.workout_type,
    visibility: "everyone",
    start_date: isoOf(startAt),
    timezone: tz.timezone,
    utc_offset: tz.offset,
    distance: Math.round(s.meters * 10) / 10,
    moving_time: moving,
    elapsed_time: moving + random.int(0, Math.ceil(moving * 0.05)),
    total_elevation_gain: s.sport_type === "VirtualRun" ? 0 : gain,
    elev_low: low,
    elev_high: low + Math.round(gain / 2),
    has_heartrate: hasHr,
    ...(hasHr ? { average_heartrate: avgHr, max_heartrate: avgHr + random.int(8, 25) } : {}),
    manual: false,
    trainer: s.sport_type === "VirtualRun",
    commute: false,
    description: null,
  };
}
