import { sql, type SQL } from "drizzle-orm";
import type { Viewer } from "../auth/session.js";
import type { Config } from "../config.js";
import { VISIBILITIES, type Visibility } from "../contract/races.js";
import { unauthenticated } from "../http/errors.js";
import type { StravaActivity } from "../strava/types.js";
import type { FeedMessage } from "../stream/feed.js";
import type { FeedView } from "../stream/routes.js";

export const RUN_SPORT_TYPES = new Set(["Run", "TrailRun", "VirtualRun"]);
export const RACE_WORKOUT_TYPE = 1;

type Kind = Pick<StravaActivity, "sport_type" | "type" | "workout_type">;

const isRun = (activity: Kind) => RUN_SPORT_TYPES.has(activity.sport_type ?? activity.type ?? "");

/** The one rule for what racesync calls a race: a run marked as a race on Strava. */
export function isRace(activity: Kind): boolean {
  return isRun(activity) && activity.workout_type === RACE_WORKOUT_TYPE;
}

/** Strava sends no event when a run is marked as a race later: such runs get re-checked. */
export function needsFollowUp(activity: Kind): boolean {
  return isRun(activity) && !isRace(activity);
}

/**
 * Strava's visibility of an activity. `private: true` is Only Me whatever else is said; a
 * visibility racesync does not know is treated as followers-only, so it stays off the board.
 */
export function visibilityOf(activity: Pick<StravaActivity, "private" | "visibility">): Visibility {
  if (activity.private === true) return "only_me";
  const known = VISIBILITIES.find((v) => v === activity.visibility);
  return known ?? "followers_only";
}

// ---- Who sees a race: the one rule, used by /api/races, /api/athletes, the charts and the change feed.
//
// A race is ON THE BOARD when Strava shows it to everyone and its athlete said yes to the board,
// is not hidden by an admin, not blocked and not revoked. Members (and the public, when the
// dashboard is public) see only races on the board; an athlete sees all of their own; admins see
// everything. DASHBOARD_VISIBILITY=self takes the board away from everyone but admins.

/** An athlete on the board, as SQL on `athletes a`. */
export const athleteOnBoardSql = sql`(a.share_on_board is true and not a.is_hidden and not a.is_blocked and a.status <> 'deauthorized')`;

/** A race on the board, as SQL, given its visibility column (on `athletes a`). */
export const raceOnBoardSql = (visibility: SQL = sql`r.visibility`) => sql`(${visibility} = 'everyone' and ${athleteOnBoardSql})`;

/** Who is looking: an admin, or someone who sees their own races (`self`) and, when `board`, the board. */
export type Audience = { kind: "admin" } | { kind: "member"; self: number | null; board: boolean };

/** The viewer's audience, or 401 when the dashboard is not public and nobody is signed in. */
export function audienceOf(config: Config, viewer: Viewer): Audience {
  if (!viewer && config.dashboardVisibility !== "public") throw unauthenticated();
  if (viewer?.isAdmin) return { kind: "admin" };
  return { kind: "member", self: viewer?.athleteId ?? null, board: config.dashboardVisibility !== "self" };
}

/** May the audience see a race of `athleteId` that is (`onBoard`) or is not on the board? */
export function maySee(audience: Audience, athleteId: number, onBoard: boolean): boolean {
  if (audience.kind === "admin") return true;
  return athleteId === audience.self || (audience.board && onBoard);
}

/** The same rule as a SQL condition on `races r join athletes a`. */
export function raceVisibleSql(audience: Audience): SQL {
  return visibleSql(audience, sql`r.athlete_id`, raceOnBoardSql());
}

/** Which athletes the audience sees (on `athletes a`): themselves, and those on the board. */
export function athleteVisibleSql(audience: Audience): SQL {
  return visibleSql(audience, sql`a.strava_id`, athleteOnBoardSql);
}

function visibleSql(audience: Audience, athleteId: SQL, onBoard: SQL): SQL {
  if (audience.kind === "admin") return sql`true`;
  const own = audience.self === null ? sql`false` : sql`${athleteId} = ${audience.self}`;
  return audience.board ? sql`(${onBoard} or ${own})` : own;
}

/**
 * What one viewer is sent of the change feed. A race change goes to whoever may see the race now;
 * whoever could see it before but not now gets `race.removed` instead (it went private, its athlete
 * was hidden or blocked or took their consent back). Sync progress and logs go to admins and to
 * their athlete. Throws 401 like audienceOf.
 */
export function feedView(config: Config, viewer: Viewer): FeedView {
  const audience = audienceOf(config, viewer);
  return (message: FeedMessage) => {
    if (message.event === "sync.progress" || message.event === "sync.log") {
      const own = viewer?.isAdmin === true || viewer?.athleteId === message.athlete_id;
      return own ? { event: message.event, data: message.data } : null;
    }
    const seesNow = message.event === "race.upserted" && maySee(audience, message.athlete_id, message.board?.after === true);
    if (seesNow) return { event: message.event, data: message.data };
    if (!maySee(audience, message.athlete_id, message.board?.before === true)) return null;
    return { event: "race.removed", data: { strava_activity_id: message.data.strava_activity_id } };
  };
}
