import type { Sql } from "../db/client.js";
import { publish } from "../stream/feed.js";

export type RunKind = "backfill" | "reconcile" | "full" | "activity";
export type RunTrigger = "webhook" | "signup" | "cron" | "admin" | "follow_up";
export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "held";
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface SyncRunJson {
  id: number;
  athlete_strava_id: number;
  kind: RunKind;
  trigger: RunTrigger;
  status: RunStatus;
  dry_run: boolean;
  allow_mass_delete: boolean;
  pages: number;
  activities_seen: number;
  races_upserted: number;
  races_removed: number;
  api_calls: number;
  estimated_total: number | null;
  error: string | null;
  summary: unknown;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** Selects a sync_runs row `s` in the API's shape. */
export function runJsonSql(sql: Sql) {
  return sql`json_build_object(
    'id', s.id, 'athlete_strava_id', s.athlete_id, 'kind', s.kind, 'trigger', s.trigger, 'status', s.status,
    'dry_run', s.dry_run, 'allow_mass_delete', s.allow_mass_delete, 'pages', s.pages, 'activities_seen', s.activities_seen,
    'races_upserted', s.races_upserted, 'races_removed', s.races_removed, 'api_calls', s.api_calls,
    'estimated_total', s.estimated_total, 'error', s.error, 'summary', s.summary,
    'created_at', s.created_at, 'started_at', s.started_at, 'finished_at', s.finished_at)`;
}

export async function createRun(
  sql: Sql,
  run: { athleteId: number; kind: RunKind; trigger: RunTrigger; dryRun?: boolean; allowMassDelete?: boolean; cursor?: unknown },
): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    insert into sync_runs (athlete_id, kind, trigger, dry_run, allow_mass_delete, cursor)
    values (${run.athleteId}, ${run.kind}, ${run.trigger}, ${run.dryRun ?? false}, ${run.allowMassDelete ?? false},
            ${sql.json((run.cursor ?? null) as never)})
    returning id`;
  await publishProgress(sql, row!.id);
  return row!.id;
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
  error?: string | null;
  summary?: unknown;
}

/** Adds the increments, sets status/cursor/error, stamps start and finish times, publishes progress. */
export async function updateRun(sql: Sql, runId: number, p: RunProgress): Promise<SyncRunJson> {
  const finished = p.status && ["succeeded", "failed", "cancelled", "held"].includes(p.status);
  const [row] = await sql<{ run: SyncRunJson }[]>`
    update sync_runs s set
      status = coalesce(${p.status ?? null}, s.status),
      cursor = case when ${p.cursor !== undefined} then ${sql.json((p.cursor ?? null) as never)} else s.cursor end,
      pages = s.pages + ${p.pages ?? 0},
      activities_seen = s.activities_seen + ${p.activitiesSeen ?? 0},
      races_upserted = s.races_upserted + ${p.racesUpserted ?? 0},
      races_removed = s.races_removed + ${p.racesRemoved ?? 0},
      api_calls = s.api_calls + ${p.apiCalls ?? 0},
      estimated_total = case when ${p.estimatedTotal !== undefined} then ${p.estimatedTotal ?? null}::int else s.estimated_total end,
      error = case when ${p.error !== undefined} then ${p.error ?? null} else s.error end,
      summary = case when ${p.summary !== undefined} then ${sql.json((p.summary ?? null) as never)} else s.summary end,
      started_at = case when ${p.status === "running"} then coalesce(s.started_at, now()) else s.started_at end,
      finished_at = case when ${finished ?? false} then now() else s.finished_at end,
      updated_at = now()
    where s.id = ${runId}
    returning ${runJsonSql(sql)} as run`;
  const run = row!.run;
  await publish(sql, { event: "sync.progress", athlete_id: run.athlete_strava_id, data: run });
  return run;
}

export async function getRun(sql: Sql, runId: number): Promise<(SyncRunJson & { cursor: unknown; cancel_requested: boolean }) | undefined> {
  const [row] = await sql<{ run: SyncRunJson; cursor: unknown; cancel_requested: boolean }[]>`
    select ${runJsonSql(sql)} as run, s.cursor, s.cancel_requested from sync_runs s where s.id = ${runId}`;
  return row && { ...row.run, cursor: row.cursor, cancel_requested: row.cancel_requested };
}

async function publishProgress(sql: Sql, runId: number): Promise<void> {
  const [row] = await sql<{ run: SyncRunJson }[]>`select ${runJsonSql(sql)} as run from sync_runs s where s.id = ${runId}`;
  if (row) await publish(sql, { event: "sync.progress", athlete_id: row.run.athlete_strava_id, data: row.run });
}

/** A structured log line tied to a run: stored (kept 7 days) and streamed live as sync.log. */
export async function logRun(sql: Sql, runId: number, level: LogLevel, message: string, metadata?: Record<string, unknown>): Promise<void> {
  const [row] = await sql<{ id: number; at: Date; athlete_id: number }[]>`
    with l as (
      insert into sync_logs (run_id, level, message, metadata)
      values (${runId}, ${level}, ${message}, ${metadata ? sql.json(metadata as never) : null})
      returning id, at, run_id
    ) select l.id, l.at, s.athlete_id from l join sync_runs s on s.id = l.run_id`;
  if (!row) return;
  await publish(sql, {
    event: "sync.log",
    athlete_id: row.athlete_id,
    data: { id: row.id, run_id: runId, at: row.at.toISOString(), level, message, metadata: metadata ?? null },
  });
}
