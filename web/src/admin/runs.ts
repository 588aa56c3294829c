// Pure helpers for the sync monitor's live run list.
import type { SyncLog, SyncRun } from "../types.js";

const MAX_RUNS = 100;

const startedAt = (r: SyncRun) => (r.started_at ? Date.parse(r.started_at) : Number.POSITIVE_INFINITY);

/** Newest first: queued runs (no start time) on top, then by start time, then by id. */
export function compareRuns(a: SyncRun, b: SyncRun): number {
  const d = startedAt(b) - startedAt(a);
  if (d !== 0 && !Number.isNaN(d)) return d;
  return String(b.id).localeCompare(String(a.id), undefined, { numeric: true });
}

/** Apply a sync.progress event: replace the run with the same id (merging fields) or add it. */
export function upsertRun(list: readonly SyncRun[], run: SyncRun): SyncRun[] {
  const i = list.findIndex((r) => String(r.id) === String(run.id));
  const next = i === -1 ? [run, ...list] : list.map((r, j) => (j === i ? { ...r, ...run } : r));
  return next.sort(compareRuns).slice(0, MAX_RUNS);
}

export const isActive = (r: SyncRun) => r.status === "running" || r.status === "queued" || r.status === "held";

/** Append a live log line to the open run's logs, skipping duplicates (same id, or same at+message). */
export function appendLog(logs: readonly SyncLog[], line: SyncLog): SyncLog[] {
  const dup = logs.some((l) =>
    l.id !== undefined && line.id !== undefined ? String(l.id) === String(line.id) : l.at === line.at && l.message === line.message,
  );
  return dup ? [...logs] : [...logs, line];
}
