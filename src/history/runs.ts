import { sql } from "drizzle-orm";
import { isFinished, type LogLevel, type RunKind, type RunStatus, type RunTrigger, type SyncLogJson, type SyncRunJson } from "../contract/runs.js";
import type { Db } from "../db/client.js";
import { publish } from "../stream/feed.js";

export type { RunKind, RunStatus, RunTrigger, SyncRunJson } from "../contract/runs.js";

/** Selects a sync_runs row `s` in the API's shape. */
export const runJsonSql = sql`json_build_object(
    'id', s.id, 'athlete_strava_id', s.athlete_id, 'kind', s.kind, 'trigger', s.trigger, 'status', s.status,
    'dry_run', s.dry_run, 'allow_mass_delete', s.allow_mass_delete, 'pages', s.pages, 'activities_seen', s.activities_seen,
    'races_upserted', s.races_upserted, 'races_removed', s.races_removed, 'api_calls', s.api_calls,
    'estimated_total', s.estimated_total, 'eta_seconds', s.eta_seconds, 'error', s.error, 'summary', s.summary,
    'created_at', s.created_at, 'started_at', s.started_at, 'finished_at', s.finished_at)`;

export async function createRun(
  db: Db,
  run: { athleteId: number; kind: RunKind; trigger: RunTrigger; dryRun?: boolean; allowMassDelete?: boolean },
): Promise<number> {
  const [row] = await db.execute<{ run: SyncRunJson }>(sql`
    insert into sync_runs as s (athlete_id, kind, trigger, dry_run, allow_mass_delete)
    values (${run.athleteId}, ${run.kind}, ${run.trigger}, ${run.dryRun ?? false}, ${run.allowMassDelete ?? false})
    returning ${runJsonSql} as run`);
  await publishRun(db, row!.run);
  return row!.run.id;
}

/** A run whose work is already done (one webhook event's): stored finished in one statement. */
export async function createFinishedRun(
  db: Db,
  run: { athleteId: number; kind: RunKind; trigger: RunTrigger },
  done: { status: RunStatus; apiCalls: number; racesUpserted: number; racesRemoved: number; error: string | null; summary: unknown },
): Promise<number> {
  const [row] = await db.execute<{ run: SyncRunJson }>(sql`
    insert into sync_runs as s (athlete_id, kind, trigger, status, api_calls, races_upserted, races_removed, error, summary, finished_at)
    values (${run.athleteId}, ${run.kind}, ${run.trigger}, ${done.status}, ${done.apiCalls}, ${done.racesUpserted}, ${done.racesRemoved},
            ${done.error}, ${JSON.stringify(done.summary ?? null)}::jsonb, now())
    returning ${runJsonSql} as run`);
  await publishRun(db, row!.run);
  return row!.run.id;
}

export interface RunProgress {
  status?: RunStatus;
  cursor?: unknown;
  pages?: number;
  activitiesSeen?: number;
  racesUpserted?: number;
  racesRemoved?: number;
  apiCalls?: number;
  estimatedTotal?: number | null;
  etaSeconds?: number | null;
  error?: string | null;
  summary?: unknown;
}

/**
 * Adds the increments, sets status/cursor/error, stamps start and finish times, publishes progress.
 * Raw SQL: increments and "keep unless given" in one statement that returns the API shape.
 * Undefined when the run is gone (its athlete's revocation deleted it).
 */
export async function updateRun(db: Db, runId: number, p: RunProgress): Promise<SyncRunJson | undefined> {
  const jsonOrKeep = (given: boolean, value: unknown, column: string) =>
    given ? sql`${JSON.stringify(value ?? null)}::jsonb` : sql.raw(`s.${column}`);
  const [row] = await db.execute<{ run: SyncRunJson }>(sql`
    update sync_runs s set
      status = coalesce(${p.status ?? null}, s.status),
      cursor = ${jsonOrKeep(p.cursor !== undefined, p.cursor, "cursor")},
      pages = s.pages + ${p.pages ?? 0},
      activities_seen = s.activities_seen + ${p.activitiesSeen ?? 0},
      races_upserted = s.races_upserted + ${p.racesUpserted ?? 0},
      races_removed = s.races_removed + ${p.racesRemoved ?? 0},
      api_calls = s.api_calls + ${p.apiCalls ?? 0},
      estimated_total = case when ${p.estimatedTotal !== undefined} then ${p.estimatedTotal ?? null}::int else s.estimated_total end,
      eta_seconds = case when ${p.etaSeconds !== undefined} then ${p.etaSeconds ?? null}::int
                         when ${p.status !== undefined && isFinished(p.status)} then null else s.eta_seconds end,
      error = case when ${p.error !== undefined} then ${p.error ?? null} else s.error end,
      summary = ${jsonOrKeep(p.summary !== undefined, p.summary, "summary")},
      started_at = case when ${p.status === "running"} then coalesce(s.started_at, now()) else s.started_at end,
      finished_at = case when ${p.status !== undefined && isFinished(p.status)} then now() else s.finished_at end,
      updated_at = now()
    where s.id = ${runId}
    returning ${runJsonSql} as run`);
  if (!row) return undefined;
  await publishRun(db, row.run);
  return row.run;
}

export type RunRecord = SyncRunJson & { cursor: unknown; cancel_requested: boolean };

export async function getRun(db: Db, runId: number): Promise<RunRecord | undefined> {
  const [row] = await db.execute<{ run: SyncRunJson; cursor: unknown; cancel_requested: boolean }>(sql`
    select ${runJsonSql} as run, s.cursor, s.cancel_requested from sync_runs s where s.id = ${runId}`);
  return row && { ...row.run, cursor: row.cursor, cancel_requested: row.cancel_requested };
}

function publishRun(db: Db, run: SyncRunJson): Promise<void> {
  return publish(db, { event: "sync.progress", athlete_id: run.athlete_strava_id, data: run });
}

/**
 * A structured log line tied to a run: stored (kept 7 days) and streamed live as sync.log (one
 * round trip). Nothing when the run is gone (its athlete's revocation deleted it).
 */
export async function logRun(db: Db, runId: number, level: LogLevel, message: string, metadata?: Record<string, unknown>): Promise<void> {
  const [line] = await db.execute<{ id: number; at: Date; athlete_id: number }>(sql`
    with l as (
      insert into sync_logs (run_id, level, message, metadata)
      select id, ${level}, ${message}, ${metadata ? JSON.stringify(metadata) : null}::jsonb from sync_runs where id = ${runId}
      returning id, at, run_id
    ) select l.id, l.at, s.athlete_id from l join sync_runs s on s.id = l.run_id`);
  if (!line) return;
  const data: SyncLogJson = { id: line.id, run_id: runId, at: line.at.toISOString(), level, message, metadata: metadata ?? null };
  await publish(db, { event: "sync.log", athlete_id: line.athlete_id, data });
}
