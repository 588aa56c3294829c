import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";

/** Observes every HTTP answer (or failure, status 0) the layer receives from Strava. */
export type CallHook = (endpoint: string, status: number, ms: number) => void;

export interface CallCounters {
  /** Calls so far: all, one endpoint ("GET /activities/:id"), or one endpoint and status ("GET /activities/:id 404"). */
  count(endpoint?: string): number;
}

/** In-process call counters by endpoint and status, plus hooks for metrics. */
export function createCallLog() {
  const counts = new Map<string, number>();
  const hooks = new Set<CallHook>();
  const observe: CallHook = (endpoint, status, ms) => {
    const key = `${endpoint} ${status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    for (const hook of hooks) hook(endpoint, status, ms);
  };
  const counters: CallCounters = {
    count(endpoint) {
      let total = 0;
      for (const [key, n] of counts) if (!endpoint || key === endpoint || key.startsWith(`${endpoint} `)) total += n;
      return total;
    },
  };
  const onCall = (hook: CallHook) => {
    hooks.add(hook);
    return () => void hooks.delete(hook);
  };
  return { observe, counters, onCall };
}

/**
 * Counts one request made to Strava on an athlete's behalf (whatever its answer); nothing once the
 * athlete is revoked (the key-share lock waits for a revocation under way, then sees it).
 */
export async function countAthleteCall(db: Db, athleteId: number): Promise<void> {
  await db.execute(sql`
    insert into athlete_api_calls (athlete_id, hour, calls)
    select strava_id, date_trunc('hour', now()), 1 from athletes where strava_id = ${athleteId} for key share
    on conflict (athlete_id, hour) do update set calls = athlete_api_calls.calls + 1`);
}
