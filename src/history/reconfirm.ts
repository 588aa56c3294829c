import type { Task } from "graphile-worker";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { AppContext } from "../context.js";
import type { Db } from "../db/client.js";
import { ownerStateSql } from "../db/athlete-state.js";
import { addJob, deferJob } from "../db/jobs.js";
import { applyActivity, deleteRace } from "../races/store.js";
import { AthleteUnavailable, StravaNotFound, StravaRateLimited, StravaUnauthorized } from "../strava/errors.js";
import { PAGE_SIZE } from "./page-cursor.js";
import { startSync } from "./start.js";

export const RECONFIRM_TASK = "races-reconfirm";
const DAY_MS = 86_400_000;
/** Races are re-confirmed from three quarters of STRAVA_MAX_CACHE_DAYS on, so budget waits never cross the limit. */
const RECONFIRM_FROM_SHARE = 0.75;

const payload = z.object({ athleteId: z.number().int() });

/** Races older than the re-confirm age: `r` rows of connected, unblocked athletes. */
function staleSince(maxCacheDays: number): Date {
  return new Date(Date.now() - maxCacheDays * RECONFIRM_FROM_SHARE * DAY_MS);
}

/**
 * The planner pass's share of STRAVA_MAX_CACHE_DAYS: queues a re-confirm job for each connected
 * athlete with stale races, and removes the races of athletes who cannot be asked (blocked,
 * needing to reconnect) once they pass the limit. Returns how many athletes were queued.
 */
export async function queueReconfirms(ctx: AppContext, maxCacheDays: number): Promise<number> {
  const expired = await ctx.db.execute<{ id: number; owner: number }>(sql`
    select r.strava_activity_id as id, r.athlete_id as owner from races r join athletes a on a.strava_id = r.athlete_id
    where ${ownerStateSql} <> 'active' and r.confirmed_at < now() - make_interval(days => ${maxCacheDays})`);
  for (const race of expired) await deleteRace(ctx.db, race.id, race.owner);
  const athletes = await ctx.db.execute<{ id: number }>(sql`
    select distinct r.athlete_id as id from races r join athletes a on a.strava_id = r.athlete_id
    where ${ownerStateSql} = 'active' and r.confirmed_at < ${staleSince(maxCacheDays)}
      and not exists (select 1 from sync_runs u where u.athlete_id = a.strava_id and u.status in ('queued', 'running') and u.kind <> 'activity')`);
  for (const athlete of athletes) {
    await addJob(ctx.db, RECONFIRM_TASK, { athleteId: athlete.id }, { jobKey: `reconfirm:${athlete.id}`, jobKeyMode: "preserve_run_at", priority: 40 });
  }
  return athletes.length;
}

/**
 * `races-reconfirm` {athleteId}: asks Strava again about the athlete's stale races, the cheaper
 * way: one fetch each (priority cache, inside the planner's budget), or a full refresh when the
 * history's pages are fewer than the stale races. Gone → removed; still there → confirmed.
 */
export function racesReconfirmTask(ctx: AppContext): Task {
  return async (raw, helpers) => {
    const { athleteId } = payload.parse(raw);
    const maxCacheDays = ctx.config.maxCacheDays;
    if (!maxCacheDays) return;
    const stale = await staleRaces(ctx.db, athleteId, staleSince(maxCacheDays));
    if (stale.length === 0) return;
    if (stale.length > (await historyPages(ctx.db, athleteId))) {
      await startSync(ctx, { athleteId, mode: "full", trigger: "cron" });
      return;
    }
    const api = ctx.strava.forAthlete(athleteId, "cache");
    for (const id of stale) {
      try {
        await applyActivity(ctx.db, await api.getActivity(id));
        await ctx.db.execute(sql`update races set confirmed_at = now() where strava_activity_id = ${id}`);
      } catch (err) {
        if (err instanceof StravaNotFound) await deleteRace(ctx.db, id, athleteId);
        else if (err instanceof StravaRateLimited) return deferJob(ctx, helpers, err.retryAt);
        else if (err instanceof StravaUnauthorized || err instanceof AthleteUnavailable) return;
        else throw err;
      }
    }
  };
}

async function staleRaces(db: Db, athleteId: number, before: Date): Promise<number[]> {
  const rows = await db.execute<{ id: number }>(sql`
    select strava_activity_id as id from races where athlete_id = ${athleteId} and confirmed_at < ${before} order by confirmed_at`);
  return rows.map((r) => r.id);
}

/** List pages a full refresh of the athlete would take, from the last complete walk of the history. */
async function historyPages(db: Db, athleteId: number): Promise<number> {
  const [row] = await db.execute<{ seen: number | null }>(sql`
    select max(activities_seen) as seen from sync_runs
    where athlete_id = ${athleteId} and kind in ('backfill', 'full') and status = 'succeeded'`);
  return row?.seen == null ? Infinity : Math.floor(row.seen / PAGE_SIZE) + 1;
}
