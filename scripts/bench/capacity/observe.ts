/**
 * What the benchmark reads from the database: it notes every activity-sync job scheduled for later
 * (the waits the service chose; a trigger on Graphile Worker's job table, in a `bench` schema
 * dropped at the end), and at the end reads races and sync runs.
 */
import postgres from "postgres";
import type { Observed } from "./freshness.js";

export type BenchSql = postgres.Sql;

export async function noteJobWaits(sql: BenchSql): Promise<void> {
  await sql.unsafe(`
    create schema if not exists bench;
    create table if not exists bench.job_waits (key text not null, noted_at timestamptz not null, run_at timestamptz not null);
    create or replace function bench.note_job_wait() returns trigger language plpgsql as $$
    begin
      if new.key like 'activity:%' and new.run_at > clock_timestamp() then
        insert into bench.job_waits values (new.key, clock_timestamp(), new.run_at);
      end if;
      return new;
    end $$;
    drop trigger if exists bench_job_waits on graphile_worker._private_jobs;
    create trigger bench_job_waits after insert or update on graphile_worker._private_jobs
      for each row execute function bench.note_job_wait();`);
}

export async function dropJobWaits(sql: BenchSql): Promise<void> {
  await sql.unsafe(`drop trigger if exists bench_job_waits on graphile_worker._private_jobs; drop schema if exists bench cascade;`);
}

export async function readObserved(sql: BenchSql): Promise<Observed> {
  const races = await sql<{ id: string; at: Date }[]>`select strava_activity_id::text as id, created_at as at from races`;
  const waits = await sql<{ key: string; from: Date; until: Date }[]>`select key, noted_at as from, run_at as until from bench.job_waits`;
  const runs = await sql<{ athlete: string; kind: "backfill" | "reconcile"; started: Date; finished: Date; after: string | null }[]>`
    select athlete_id::text as athlete, kind, started_at as started, finished_at as finished, cursor->>'window_after' as after
    from sync_runs where status = 'succeeded' and kind in ('backfill', 'reconcile') and finished_at is not null
    order by finished_at`;
  const observed: Observed = { visibleAt: new Map(), waits: new Map(), syncs: new Map() };
  for (const r of races) observed.visibleAt.set(Number(r.id), r.at.getTime());
  for (const w of waits) {
    const id = Number(w.key.slice("activity:".length));
    observed.waits.set(id, [...(observed.waits.get(id) ?? []), [w.from.getTime(), w.until.getTime()]]);
  }
  for (const r of runs) {
    const list = observed.syncs.get(Number(r.athlete)) ?? [];
    list.push({ kind: r.kind, startedAt: (r.started ?? r.finished).getTime(), finishedAt: r.finished.getTime(), windowAfter: r.after === null ? null : Number(r.after) });
    observed.syncs.set(Number(r.athlete), list);
  }
  return observed;
}
