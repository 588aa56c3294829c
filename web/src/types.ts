// JSON shapes of the racesync HTTP contract (see /work/shared/design.md). snake_case, Strava ids as numbers.

export interface RaceAthlete {
  strava_id: number;
  name: string;
}

export interface Race {
  strava_activity_id: number;
  athlete: RaceAthlete;
  name: string;
  event_name: string | null;
  sport_type: string;
  distance: number; // meters
  moving_time: number; // seconds
  elapsed_time: number; // seconds
  total_elevation_gain: number | null; // meters
  start_date: string; // ISO, UTC
  start_date_local: string; // ISO, local wall clock
  timezone: string | null;
  average_heartrate: number | null;
  max_heartrate: number | null;
}

export interface RacePage {
  races: Race[];
  next_cursor: string | null;
}

export type SyncRunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "held";

export interface SyncRun {
  id: number | string;
  athlete_strava_id: number;
  kind: "backfill" | "reconcile" | "full" | "activity";
  trigger: string;
  status: SyncRunStatus;
  pages: number;
  activities_seen: number;
  races_upserted: number;
  races_removed?: number;
  api_calls?: number;
  error?: string | null;
  started_at?: string | null;
  finished_at?: string | null;
  estimated_total?: number | null;
  eta_seconds?: number | null;
}

export interface SyncLog {
  id?: number | string;
  run_id?: number | string;
  at: string;
  level: string;
  message: string;
  metadata?: unknown;
}

export interface SyncRunDetail extends SyncRun {
  logs: SyncLog[];
}

export type AthleteStatus = "active" | "needs_reauth" | "deauthorized";

export interface Me {
  strava_id: number;
  firstname: string;
  lastname: string;
  profile: string | null;
  is_admin: boolean;
  is_hidden: boolean;
  status: AthleteStatus;
  scopes: string[];
  sync: SyncRun | null;
}

export interface AthleteSummary {
  strava_id: number;
  name?: string;
  firstname?: string;
  lastname?: string;
  profile?: string | null;
  race_count?: number;
  status?: string;
}

export type AdminSyncStatus =
  | "idle"
  | "backfilling"
  | "syncing"
  | "needs_reauth"
  | "deauthorized"
  | "blocked"
  | "error";

/** GET /api/admin/athletes (src/admin/athletes.ts). */
export interface AdminAthlete {
  strava_id: number;
  name: string;
  profile_url: string | null;
  is_admin: boolean;
  is_hidden: boolean;
  is_blocked: boolean;
  scopes: string[];
  scope_health: { status: "ok" | "warning" | "error"; message: string | null };
  sync_status: AdminSyncStatus;
  sync_error: string | null;
  active_run_id: number | null;
  last_success_at: string | null;
  race_count: number;
  api_calls_24h: number;
  connected_at: string;
}

export interface BudgetWindow {
  used?: number;
  limit?: number;
  resets_at?: string | null;
}

export interface BudgetPair {
  short?: BudgetWindow;
  daily?: BudgetWindow;
}

export interface RateLimit {
  overall?: BudgetPair;
  read?: BudgetPair;
}

export interface QueueCounts {
  waiting?: number;
  running?: number;
  failed?: number;
}

export interface QueueState extends QueueCounts {
  by_task?: Record<string, QueueCounts>;
}

export interface WebhookEvent {
  id: number | string;
  received_at: string;
  object_type: string;
  aspect_type: string;
  object_id: number;
  owner_id: number;
  outcome?: string | null;
  error?: string | null;
}
