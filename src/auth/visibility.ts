import type { Config } from "../config.js";
import type { Sql } from "../db/client.js";
import { unauthenticated } from "../http/errors.js";
import type { Viewer } from "./session.js";

/**
 * Whose races a viewer may see, from DASHBOARD_VISIBILITY and hidden athletes: admins everything;
 * `self` mode only one's own; otherwise every athlete who is not hidden, plus oneself.
 */
export type AthleteScope = { kind: "all" } | { kind: "only"; athleteId: number } | { kind: "unhidden"; self: number | null };

/** The viewer's scope, or 401 when the dashboard is not public and nobody is signed in. */
export function athleteScope(config: Config, viewer: Viewer): AthleteScope {
  if (!viewer && config.dashboardVisibility !== "public") throw unauthenticated();
  if (viewer?.isAdmin) return { kind: "all" };
  if (config.dashboardVisibility === "self") return { kind: "only", athleteId: viewer!.athleteId! };
  return { kind: "unhidden", self: viewer?.athleteId ?? null };
}

export function scopeAllows(scope: AthleteScope, athleteId: number, hidden: boolean): boolean {
  if (scope.kind === "all") return true;
  if (scope.kind === "only") return athleteId === scope.athleteId;
  return !hidden || athleteId === scope.self;
}

/** The same rule as a SQL condition on `athletes a`. */
export function scopeSql(sql: Sql, scope: AthleteScope) {
  if (scope.kind === "all") return sql`true`;
  if (scope.kind === "only") return sql`a.strava_id = ${scope.athleteId}`;
  return scope.self === null ? sql`not a.is_hidden` : sql`(not a.is_hidden or a.strava_id = ${scope.self})`;
}
