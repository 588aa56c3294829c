import type { Sql } from "../db/client.js";
import { runJsonSql, type SyncRunJson } from "../sync/runs.js";

export interface RunFilters {
  athlete_id?: number;
  status?: string;
  kind?: string;
  limit: number;
}

export interface RunLog {
  at: string;
  level: string;
  message: string;
  metadata: unknown;
}

/** Sync runs, newest first, optionally filtered. */
export async function listRuns(sql: Sql, f: RunFilters): Promise<SyncRunJson[]> {
  const rows = await sql<{ run: SyncRunJson }[]>`
    select ${runJsonSql(sql)} as run from sync_runs s
    where (${f.athlete_id ?? null}::bigint is null or s.athlete_id = ${f.athlete_id ?? null})
      and (${f.status ?? null}::text is null or s.status = ${f.status ?? null})
      and (${f.kind ?? null}::text is null or s.kind = ${f.kind ?? null})
    order by s.id desc
    limit ${f.limit}`;
  return rows.map((r) => r.run);
}

/** One run with its stored log lines, oldest first; undefined when there is no such run. */
export async function runWithLogs(sql: Sql, runId: number): Promise<(SyncRunJson & { logs: RunLog[] }) | undefined> {
  const [row] = await sql<{ run: SyncRunJson }[]>`select ${runJsonSql(sql)} as run from sync_runs s where s.id = ${runId}`;
  if (!row) return undefined;
  const logs = await sql<{ at: Date; level: string; message: string; metadata: unknown }[]>`
    select at, level, message, metadata from sync_logs where run_id = ${runId} order by id`;
  return { ...row.run, logs: logs.map((l) => ({ ...l, at: l.at.toISOString() })) };
}
