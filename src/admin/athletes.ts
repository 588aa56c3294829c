import { sql } from "drizzle-orm";
import { parseScopes } from "../athletes/scopes.js";
import type { AdminAthlete } from "../contract/admin.js";
import { isAdminAthlete } from "../auth/session.js";
import type { AppContext } from "../context.js";
import { athleteNameSql } from "../db/schema.js";
import { scopeHealthOf, syncStatusOf, type StatusFacts } from "./athlete-status.js";

export type { AdminAthlete } from "../contract/admin.js";

type Row = StatusFacts & {
  strava_id: number;
  name: string;
  profile_url: string | null;
  is_hidden: boolean;
  scopes: string;
  active_run_id: number | null;
  last_success_at: Date | null;
  race_count: number;
  api_calls_24h: number;
  activities_checked: number;
  created_at: Date;
};

/** Every athlete (hidden, blocked and deauthorized included) with what an admin needs to act. */
export async function listAdminAthletes(ctx: Pick<AppContext, "db" | "config">, stravaId?: number): Promise<AdminAthlete[]> {
  const rows = await ctx.db.execute<Row>(sql`
    select a.strava_id, ${athleteNameSql} as name, a.profile_url, a.is_hidden,
      a.is_blocked, a.scopes, a.status, a.last_sync_error, a.created_at,
      active.id as active_run_id, active.kind as active_run_kind,
      latest.status as latest_run_status, latest.error as latest_run_error,
      (select max(s.finished_at) from sync_runs s where s.athlete_id = a.strava_id and s.status = 'succeeded') as last_success_at,
      (select count(*) from races r where r.athlete_id = a.strava_id and r.removed_at is null) as race_count,
      (select coalesce(sum(c.calls), 0)::int from athlete_api_calls c
        where c.athlete_id = a.strava_id and c.hour >= date_trunc('hour', now()) - interval '23 hours') as api_calls_24h,
      (select coalesce(sum(s.activities_seen), 0)::int from sync_runs s where s.athlete_id = a.strava_id) as activities_checked,
      (select j.last_error from graphile_worker._private_jobs j
        where j.payload->>'athleteId' = a.strava_id::text and j.attempts >= j.max_attempts
        order by j.updated_at desc limit 1) as failed_job_error
    from athletes a
    left join lateral (select s.id, s.kind from sync_runs s
      where s.athlete_id = a.strava_id and s.status in ('queued', 'running') and s.kind <> 'activity'
      order by s.id desc limit 1) active on true
    left join lateral (select s.status, s.error from sync_runs s
      where s.athlete_id = a.strava_id and s.status not in ('queued', 'running')
      order by s.id desc limit 1) latest on true
    where ${stravaId ?? null}::bigint is null or a.strava_id = ${stravaId ?? null}
    order by a.created_at, a.strava_id`);
  return rows.map((r) => toAdminAthlete(r, isAdminAthlete(ctx.config, r.strava_id)));
}

function toAdminAthlete(r: Row, isAdmin: boolean): AdminAthlete {
  const scopes = parseScopes(r.scopes);
  return {
    strava_id: r.strava_id,
    name: r.name,
    profile_url: r.profile_url,
    is_admin: isAdmin,
    is_hidden: r.is_hidden,
    is_blocked: r.is_blocked,
    scopes,
    scope_health: scopeHealthOf(scopes),
    ...syncStatusOf(r),
    active_run_id: r.active_run_id,
    last_success_at: r.last_success_at?.toISOString() ?? null,
    race_count: r.race_count,
    api_calls_24h: r.api_calls_24h,
    activities_checked: r.activities_checked,
    connected_at: r.created_at.toISOString(),
  };
}
