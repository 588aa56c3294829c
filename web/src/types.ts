// JSON shapes of the racesync HTTP contract: snake_case, Strava ids as numbers.

// Shapes the server defines are imported from it (type-only: nothing of the server is bundled),
// so the dashboard and the API cannot drift apart.
import type { AdminAthlete } from "../../src/admin/athletes.js";
import type { SyncStatus } from "../../src/admin/athlete-status.js";
import type { RaceJson } from "../../src/races/json.js";
import type { RacePage as ServerRacePage } from "../../src/races/query.js";

export type Race = RaceJson;
export type RaceAthlete = RaceJson["athlete"];
export type RacePage = ServerRacePage;
export type AdminSyncStatus = SyncStatus;
export type { AdminAthlete };

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
