import type { ScopeHealth, SyncStatus } from "../contract/admin.js";

/** An athlete's sync state as the admin page shows it (pure: derived from one row of facts). */

export type StatusFacts = {
  status: string;
  is_blocked: boolean;
  active_run_kind: string | null;
  latest_run_status: string | null;
  latest_run_error: string | null;
  failed_job_error: string | null;
  last_sync_error: string | null;
};

export function syncStatusOf(f: StatusFacts): { sync_status: SyncStatus; sync_error: string | null } {
  const is = (sync_status: SyncStatus, sync_error: string | null = null) => ({ sync_status, sync_error });
  if (f.is_blocked) return is("blocked");
  if (f.status === "deauthorized") return is("deauthorized");
  if (f.status === "needs_reauth") return is("needs_reauth", f.last_sync_error);
  if (f.active_run_kind === "backfill") return is("backfilling");
  if (f.active_run_kind) return is("syncing");
  if (f.failed_job_error) return is("error", f.failed_job_error);
  if (f.latest_run_status === "failed") return is("error", f.latest_run_error ?? f.last_sync_error ?? "the last sync failed");
  return is("idle");
}

/** What the granted scopes allow: read_all sees Only-Me activities, read sees the rest. */
export function scopeHealthOf(scopes: string[]): ScopeHealth {
  if (scopes.includes("activity:read_all")) return { status: "ok", message: null };
  if (scopes.includes("activity:read")) {
    return {
      status: "warning",
      message: "activity:read_all is missing: races set to Only Me, and their webhooks, cannot be seen",
    };
  }
  return { status: "error", message: "activity:read and activity:read_all are missing: nothing can be synced" };
}
