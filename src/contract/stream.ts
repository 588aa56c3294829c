import type { RaceJson } from "./races.js";
import type { SyncLogJson, SyncRunJson } from "./runs.js";

/** What each event of the change feed (`GET /api/stream`) carries as its `data`. */
export interface StreamEvents {
  "race.upserted": RaceJson;
  "race.removed": { strava_activity_id: number };
  "sync.progress": SyncRunJson;
  "sync.log": SyncLogJson;
}
export type StreamEventName = keyof StreamEvents;
export const STREAM_EVENTS: readonly StreamEventName[] = ["race.upserted", "race.removed", "sync.progress", "sync.log"];
