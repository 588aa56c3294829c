/**
 * Freshness in simulated time, from what the bench did (uploads, marks, dropped webhooks) and what
 * the database shows (races, sync runs, the job waits noted by job-waits.ts).
 *
 * Waits the service chose (a job's run_at in the future: the budget deferring a fetch, a follow-up's
 * schedule, reconcile spacing, the daily cron) are compressed; processing time (HTTP, Postgres,
 * queueing) is not. Webhook races are measured in minutes, where that matters: their latency is
 * the real processing time plus their deferrals scaled back to simulated time. The other figures are
 * in hours and days, dominated by schedules: their whole latency is scaled (processing then adds
 * at most a few simulated minutes).
 */
import { percentile } from "../lib/stats.js";
import type { RequestRecord } from "../../../src/simulator/index.js";
import type { CallKind } from "./calls.js";
import { DAY, type SimClock } from "./clock.js";

export interface Upload {
  activityId: number;
  athleteId: number;
  uploadedAt: number;
  /** Epoch seconds of the activity's start (a reconcile covers it when its window starts before). */
  startEpoch: number;
  race: boolean;
  late: boolean;
  markedAt?: number;
}

export interface Observed {
  /** First visibility (races.created_at) by activity id, epoch ms. */
  visibleAt: Map<number, number>;
  /** activity-sync jobs scheduled for later: [from, until] epoch ms, by activity id. */
  waits: Map<number, Array<[number, number]>>;
  /** Succeeded backfills and reconciles per athlete, in order. */
  syncs: Map<number, Array<{ kind: "backfill" | "reconcile"; startedAt: number; finishedAt: number; windowAfter: number | null }>>;
}

export interface Freshness {
  webhookRaces: { n: number; missing: number; p50: number; p95: number; max: number };
  lateRaces: { n: number; missing: number; p90: number; max: number };
  reconcile: { maxGap: number; never: number };
  dropped: { n: number; repaired: number; pending: number; late: number; p95: number; max: number };
}

const MAX_AGE = 7 * DAY;

export function freshness(clock: SimClock, uploads: Upload[], dropped: Set<number>, seen: Observed, endMs: number): Freshness {
  return {
    webhookRaces: webhookRaces(clock, uploads.filter((u) => u.race && !u.late && !dropped.has(u.activityId)), seen),
    lateRaces: lateRaces(clock, uploads.filter((u) => u.late && u.markedAt !== undefined), seen),
    reconcile: reconcileGaps(clock, seen, endMs),
    dropped: droppedRepairs(clock, uploads.filter((u) => dropped.has(u.activityId)), seen, endMs),
  };
}

function webhookRaces(clock: SimClock, races: Upload[], seen: Observed) {
  const latencies: number[] = [];
  for (const u of races) {
    const visible = seen.visibleAt.get(u.activityId);
    if (visible === undefined) continue;
    const waited = overlap(seen.waits.get(u.activityId) ?? [], u.uploadedAt, visible);
    latencies.push((visible - u.uploadedAt - waited) / 1000 + clock.scale(waited));
  }
  const s = latencies.sort((a, b) => a - b);
  const missing = races.length - s.length;
  const withMissing = [...s, ...Array<number>(missing).fill(Infinity)];
  return { n: races.length, missing, p50: percentile(withMissing, 50), p95: percentile(withMissing, 95), max: withMissing.at(-1) ?? NaN };
}

function lateRaces(clock: SimClock, races: Upload[], seen: Observed) {
  const latencies = races
    .map((u) => {
      const visible = seen.visibleAt.get(u.activityId);
      return visible === undefined ? Infinity : clock.scale(Math.max(0, visible - u.markedAt!));
    })
    .sort((a, b) => a - b);
  return { n: races.length, missing: latencies.filter((l) => l === Infinity).length, p90: percentile(latencies, 90), max: latencies.at(-1) ?? NaN };
}

/** Longest time any athlete went without a completed backfill or reconcile, up to the end of the run. */
function reconcileGaps(clock: SimClock, seen: Observed, endMs: number) {
  let maxGap = 0;
  let never = 0;
  for (const runs of seen.syncs.values()) {
    if (!runs.some((r) => r.kind === "reconcile" && r.finishedAt >= clock.startMs)) never++;
    const times = [...runs.map((r) => r.finishedAt), endMs];
    for (let i = 1; i < times.length; i++) maxGap = Math.max(maxGap, clock.scale(times[i]! - times[i - 1]!));
  }
  return { maxGap, never };
}

/**
 * A dropped webhook is repaired when a reconcile that started after the upload listed a window
 * holding the activity (for a race: when it became visible, if that came first). Unrepaired at the
 * end: late if it had been 7 days, else pending.
 */
function droppedRepairs(clock: SimClock, lost: Upload[], seen: Observed, endMs: number) {
  const times: number[] = [];
  let pending = 0;
  let late = 0;
  for (const u of lost) {
    const covered = (seen.syncs.get(u.athleteId) ?? []).find(
      (r) => r.kind === "reconcile" && r.startedAt > u.uploadedAt && (r.windowAfter === null || r.windowAfter < u.startEpoch),
    );
    const candidates = [covered?.finishedAt, u.race ? seen.visibleAt.get(u.activityId) : undefined].filter((t): t is number => t !== undefined);
    if (candidates.length === 0) {
      if (clock.scale(endMs - u.uploadedAt) >= MAX_AGE) late++;
      else pending++;
      continue;
    }
    const took = clock.scale(Math.min(...candidates) - u.uploadedAt);
    if (took > MAX_AGE) late++;
    times.push(took);
  }
  times.sort((a, b) => a - b);
  return { n: lost.length, repaired: times.length, pending, late, p95: percentile(times, 95), max: times.at(-1) ?? NaN };
}

/** Milliseconds of [from, to] covered by the union of `spans`. */
function overlap(spans: Array<[number, number]>, from: number, to: number): number {
  const clipped = spans.map(([a, b]): [number, number] => [Math.max(a, from), Math.min(b, to)]).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let reach = from;
  for (const [a, b] of clipped) {
    if (b <= reach) continue;
    total += b - Math.max(a, reach);
    reach = b;
  }
  return total;
}

/**
 * The slowest late-marked races past `limitSeconds`, each with the list calls its athlete got
 * between the upload and the race showing (simulated hours after the upload): what the follow-ups
 * and reconciles did, or did not do, for it.
 */
export function explainSlowLateRaces(
  clock: SimClock, uploads: Upload[], seen: Observed, calls: Array<{ record: RequestRecord; kind: CallKind }>, limitSeconds: number,
): string[] {
  const hoursAfter = (u: Upload, ms: number) => `${(clock.scale(ms - u.uploadedAt) / 3600).toFixed(1)} h`;
  return uploads
    .filter((u) => u.late && u.markedAt !== undefined)
    .map((u) => ({ u, visible: seen.visibleAt.get(u.activityId) ?? Infinity }))
    .filter(({ u, visible }) => clock.scale(visible - u.markedAt!) > limitSeconds)
    .sort((a, b) => b.visible - b.u.markedAt! - (a.visible - a.u.markedAt!))
    .slice(0, 8)
    .map(({ u, visible }) => {
      const lists = calls.filter(({ record }) => record.athleteId === u.athleteId && record.endpoint === "GET /athlete/activities" && record.at > u.uploadedAt && record.at <= visible);
      const listed = lists.map(({ record, kind }) => `${hoursAfter(u, record.at)} ${kind}${record.status === 200 ? "" : ` (${record.status})`}`).join(", ");
      const day = clock.simSeconds(u.uploadedAt) / DAY;
      return `activity ${u.activityId} (athlete ${u.athleteId}), uploaded day ${Math.floor(day)} at ${((day % 1) * 24).toFixed(1)} h UTC: marked ${hoursAfter(u, u.markedAt!)} after upload, shown ${visible === Infinity ? "never" : hoursAfter(u, visible)}; list calls: ${listed || "none"}`;
    });
}
