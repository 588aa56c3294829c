// Pure helpers for the sync monitor's live run list.
import type { SyncLog, SyncRun, SyncRunDetail } from "../types.js";

const MAX_RUNS = 100;

const startedAt = (r: SyncRun) => (r.started_at ? Date.parse(r.started_at) : Number.POSITIVE_INFINITY);

/** Newest first: queued runs (no start time) on top, then by start time, then by id. */
export function compareRuns(a: SyncRun, b: SyncRun): number {
  const d = startedAt(b) - startedAt(a);
  if (d !== 0 && !Number.isNaN(d)) return d;
  return b.id - a.id;
}

/** Apply a sync.progress event: replace the run with the same id (merging fields) or add it. */
export function upsertRun(list: readonly SyncRun[], run: SyncRun): SyncRun[] {
  const i = list.findIndex((r) => r.id === run.id);
  const next = i === -1 ? [run, ...list] : list.map((r, j) => (j === i ? { ...r, ...run } : r));
  return next.sort(compareRuns).slice(0, MAX_RUNS);
}

/** Still doing work (so it can be stopped); `held` runs are finished: the guard stopped them for an admin. */
export const isActive = (r: Pick<SyncRun, "status">) => r.status === "running" || r.status === "queued";

/** A log line as the run detail lists it (stored lines carry no id) or as it arrives live. */
type LogLine = SyncRunDetail["logs"][number] & Partial<Pick<SyncLog, "id">>;

/** Append a live log line to the open run's logs, skipping one already there (same id, or same time and text). */
export function appendLog(logs: readonly LogLine[], line: SyncLog): LogLine[] {
  const same = (l: LogLine) => (l.id !== undefined ? l.id === line.id : l.at === line.at && l.message === line.message);
  return logs.some(same) ? [...logs] : [...logs, line];
}
