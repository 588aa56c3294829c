/**
 * The club's week, planned ahead from a seed: when each athlete uploads a run, which runs are races,
 * which races are marked only after the upload, and when the budget planner's pass runs. All in simulated seconds
 * from the start of day 0 (the club's clock is UTC).
 */
import { createRandom, type Random } from "../../../src/simulator/random.js";
import { DAY, HOUR } from "./clock.js";

export interface WeekShape {
  athletes: number[];
  days: number;
  /** Days after the last upload in which the service may still catch up (nothing new happens). */
  drainDays: number;
  runsPerDay: number;
  raceShare: number;
  /** Share of races marked as such only after the upload (Strava sends no webhook for it). */
  lateShare: number;
  lateMaxSeconds: number;
  /** Simulated seconds between two passes of the budget planner (the worker's crontab runs it each minute). */
  plannerTickSeconds: number;
  seed: number;
}

export type Happening =
  | { at: number; kind: "upload"; athleteId: number; plan: number; race: boolean; late: boolean; runSeconds: number }
  | { at: number; kind: "mark"; plan: number }
  | { at: number; kind: "planner-tick"; day: number };

/** When runs end, by hour of the day: an early-morning peak, lunch, and the evening peak. */
const UPLOADS_BY_HOUR = [0, 0, 0, 0, 0.2, 1, 3, 4, 3, 2, 1.5, 1.5, 2.5, 1.5, 1, 1, 1.5, 3, 4, 3.5, 2, 1, 0.5, 0.2];

export function planWeek(shape: WeekShape): Happening[] {
  const random = createRandom(shape.seed);
  const happenings: Happening[] = [];
  let plan = 0;
  for (let day = 0; day < shape.days; day++) {
    for (const athleteId of shape.athletes) {
      for (let n = poisson(random, shape.runsPerDay); n > 0; n--) {
        const at = day * DAY + uploadTimeOfDay(random);
        const race = random.chance(shape.raceShare);
        const late = race && random.chance(shape.lateShare);
        happenings.push({ at, kind: "upload", athleteId, plan, race, late, runSeconds: random.int(25, 100) * 60 });
        if (late) happenings.push({ at: at + random.next() * shape.lateMaxSeconds, kind: "mark", plan });
        plan++;
      }
    }
  }
  for (let at = 0; at < (shape.days + shape.drainDays) * DAY; at += shape.plannerTickSeconds) happenings.push({ at, kind: "planner-tick", day: Math.floor(at / DAY) });
  return happenings.sort((a, b) => a.at - b.at);
}

function uploadTimeOfDay(random: Random): number {
  const total = UPLOADS_BY_HOUR.reduce((a, b) => a + b, 0);
  let x = random.next() * total;
  const hour = UPLOADS_BY_HOUR.findIndex((w) => (x -= w) < 0);
  return hour * HOUR + random.next() * HOUR;
}

function poisson(random: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random.next(); p > limit; p *= random.next()) k++;
  return k;
}
