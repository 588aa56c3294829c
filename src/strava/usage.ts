import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { ownerStateSql } from "../db/athlete-state.js";
import { emptyUsage, USAGE_KINDS, type Usage, type UsageKind } from "./plan.js";

/** Counts one read call of this kind in the daily window starting at `dayStart`. */
export async function countUsage(db: Db, dayStart: Date, kind: UsageKind): Promise<void> {
  await db.execute(sql`
    insert into strava_usage (day_start, kind, calls) values (${dayStart}, ${kind}, 1)
    on conflict (day_start, kind) do update set calls = strava_usage.calls + 1`);
}

export interface UsageFigures {
  today: Usage;
  /** Null when nothing was recorded the previous day (the first day). */
  yesterday: Usage | null;
  /** Connected, unblocked athletes. */
  athletes: number;
}

/** Calls by kind today and the previous day, and the number of athletes being served (one round trip). */
export async function usageFigures(db: Db, dayStart: Date, previousDayStart: Date): Promise<UsageFigures> {
  const rows = await db.execute<{ day: "today" | "yesterday" | "athletes"; kind: string; calls: number }>(sql`
    select case when day_start = ${dayStart} then 'today' else 'yesterday' end as day, kind, calls
    from strava_usage where day_start in (${dayStart}, ${previousDayStart})
    union all
    select 'athletes', '', count(*)::int from athletes a where ${ownerStateSql} = 'active'`);
  const today = emptyUsage();
  let yesterday: Usage | null = null;
  let athletes = 0;
  for (const row of rows) {
    if (row.day === "athletes") athletes = row.calls;
    else if (isKind(row.kind)) {
      const target = row.day === "today" ? today : (yesterday ??= emptyUsage());
      target[row.kind] = row.calls;
    }
  }
  return { today, yesterday, athletes };
}

const isKind = (kind: string): kind is UsageKind => (USAGE_KINDS as readonly string[]).includes(kind);
