/**
 * Plays the planned week against the running system in compressed time: uploads on the simulated
 * Strava (which sends the create webhooks, 1% dropped), marks late races (no webhook, as at
 * Strava), and queues the budget planner's pass every simulated quarter hour, as Graphile Worker's cron does each minute.
 */
import { PLANNER_TICK_TASK } from "../../../src/history/reconcile-all.js";
import { addJob } from "../../../src/db/jobs.js";
import { isoOf } from "../../../src/simulator/store.js";
import { DAY, type SimClock } from "./clock.js";
import type { Upload } from "./freshness.js";
import type { CompressedStack } from "./stack.js";
import type { Happening } from "./week.js";

/** Minutes between the end of a run and its upload (a watch syncing, a phone reaching Wi-Fi). */
const UPLOAD_DELAY_S = 300;

export interface Played {
  uploads: Upload[];
  /** The largest delay (real ms) between a happening's planned time and when it was played. */
  maxLagMs: number;
}

export async function playWeek(stack: CompressedStack, clock: SimClock, happenings: Happening[], onDay: (day: number) => void): Promise<Played> {
  const uploads = new Map<number, Upload>();
  let maxLagMs = 0;
  let day = -1;
  for (const h of happenings) {
    const due = clock.realMs(h.at);
    await sleepUntil(due);
    maxLagMs = Math.max(maxLagMs, Date.now() - due);
    const today = Math.floor(h.at / DAY);
    if (today !== day) onDay((day = today));
    if (h.kind === "upload") uploads.set(h.plan, upload(stack, clock, h));
    else if (h.kind === "mark") markAsRace(stack, uploads.get(h.plan)!);
    else await addJob(stack.service.verbDb, PLANNER_TICK_TASK, {}, { priority: 5, maxAttempts: 1 });
  }
  return { uploads: [...uploads.values()], maxLagMs };
}

function upload(stack: CompressedStack, clock: SimClock, h: Extract<Happening, { kind: "upload" }>): Upload {
  const startEpoch = Math.floor(clock.realMs(h.at - h.runSeconds - UPLOAD_DELAY_S) / 1000);
  const activity = stack.sim.createActivity(h.athleteId, {
    name: h.race && !h.late ? "Club 10K" : "Morning Run",
    sport_type: "Run",
    workout_type: h.race && !h.late ? 1 : 0,
    start_date: isoOf(startEpoch),
    moving_time: h.runSeconds,
    elapsed_time: h.runSeconds,
  });
  return { activityId: activity.id, athleteId: h.athleteId, uploadedAt: Date.now(), startEpoch, race: h.race, late: h.late };
}

function markAsRace(stack: CompressedStack, u: Upload): void {
  stack.sim.updateActivity(u.activityId, { workout_type: 1 });
  u.markedAt = Date.now();
}

export async function sleepUntil(realMs: number): Promise<void> {
  const wait = realMs - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
