import { asc, eq, sql } from "drizzle-orm";
import type { LogLevel, SyncRunDetail, SyncRunJson } from "../contract/runs.js";
import { runReport } from "./run-report.js";
import type { Db } from "../db/client.js";
import { syncLogs } from "../db/schema.js";
import { runJsonSql } from "../history/runs.js";

export interface RunFilters {
  athlete_id?: number;
  status?: string;
  kind?: string;
  limit: number;
}

/** Sync runs, newest first, optionally filtered. */
export async function listRuns(db: Db, f: RunFilters): Promise<SyncRunJson[]> {
  const rows = await db.execute<{ run: SyncRunJson }>(sql`
    select ${runJsonSql} as run from sync_runs s
    where (${f.athlete_id ?? null}::bigint is null or s.athlete_id = ${f.athlete_id ?? null})
      and (${f.status ?? null}::text is null or s.status = ${f.status ?? null})
      and (${f.kind ?? null}::text is null or s.kind = ${f.kind ?? null})
    order by s.id desc
    limit ${f.limit}`);
  return rows.map((r) => r.run);
}

/** One run with its stored log lines, oldest first; undefined when there is no such run. */
export async function runWithLogs(db: Db, runId: number): Promise<SyncRunDetail | undefined> {
  const [row] = await db.execute<{ run: SyncRunJson }>(sql`select ${runJsonSql} as run from sync_runs s where s.id = ${runId}`);
  if (!row) return undefined;
  const logs = await db
    .select({ at: syncLogs.at, level: syncLogs.level, message: syncLogs.message, metadata: syncLogs.metadata })
    .from(syncLogs)
    .where(eq(syncLogs.run_id, runId))
    .orderBy(asc(syncLogs.id));
  return {
    ...row.run,
    logs: logs.map((l) => ({ ...l, level: l.level as LogLevel, at: l.at.toISOString() })),
    report: await runReport(db, row.run.summary),
  };
}
