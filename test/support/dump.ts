import type { TestSql } from "./test-sql.js";

/**
 * Every row of every table (racesync's, Graphile Worker's, the migrations') as text, one line per
 * row: what a data-only dump of the database holds.
 */
export async function databaseText(sql: TestSql): Promise<string> {
  const tables = await sql<{ name: string }[]>`
    select format('%I.%I', table_schema, table_name) as name from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
    order by 1`;
  const lines: string[] = [];
  for (const { name } of tables) {
    const rows = await sql.unsafe<{ row: string }[]>(`select t::text as row from ${name} t`);
    lines.push(...rows.map((r) => `${name} ${r.row}`));
  }
  return lines.join("\n");
}

/** How many rows still name the athlete, by table (Strava id in a column or a job's payload). */
export async function rowsNamingAthlete(sql: TestSql, athleteId: number): Promise<Record<string, number>> {
  const [row] = await sql<Record<string, number>[]>`
    select
      (select count(*)::int from athletes where strava_id = ${athleteId}) as athletes,
      (select count(*)::int from races where athlete_id = ${athleteId}) as races,
      (select count(*)::int from webhook_events where owner_id = ${athleteId} or object_id = ${athleteId}) as webhook_events,
      (select count(*)::int from sync_runs where athlete_id = ${athleteId}) as sync_runs,
      (select count(*)::int from sync_logs l join sync_runs s on s.id = l.run_id where s.athlete_id = ${athleteId}) as sync_logs,
      (select count(*)::int from athlete_api_calls where athlete_id = ${athleteId}) as athlete_api_calls,
      (select count(*)::int from graphile_worker._private_jobs where payload->>'athleteId' = ${String(athleteId)}) as jobs`;
  return row!;
}

export const NO_ROWS = { athletes: 0, races: 0, webhook_events: 0, sync_runs: 0, sync_logs: 0, athlete_api_calls: 0, jobs: 0 };
