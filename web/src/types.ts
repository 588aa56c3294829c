// JSON shapes of the racesync HTTP contract, imported type-only from the server's contract/ (nothing
// of the server is bundled), so the dashboard and the API cannot drift apart.
import type { AdminAthlete, AdminWebhookEvent, QueueState, RateLimitReport, ReconcilePreview, SyncStatus, WindowState } from "../../src/contract/admin.js";
import type { AthleteSummaryJson, MeJson, MePatch } from "../../src/contract/athletes.js";
import type { RaceJson, RacePage } from "../../src/contract/races.js";
import type { RunReport, RunStatus, SyncLogJson, SyncRunDetail, SyncRunJson } from "../../src/contract/runs.js";

export type Race = RaceJson;
export type RaceAthlete = RaceJson["athlete"];
export type { RacePage, AdminAthlete, QueueState, SyncRunDetail, RunReport };
export type AdminSyncStatus = SyncStatus;
export type SyncRunStatus = RunStatus;
export type SyncRun = SyncRunJson;
export type SyncLog = SyncLogJson;
export type Me = MeJson;
export type { MePatch };
export type AthleteSummary = AthleteSummaryJson;
export type AthleteStatus = MeJson["status"];
export type BudgetWindow = WindowState;
export type RateLimit = RateLimitReport;
export type { ReconcilePreview };
export type WebhookEvent = AdminWebhookEvent;
