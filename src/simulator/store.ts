/** In-memory truth of the simulated Strava: athletes, activities and the (offsettable) clock. */

export type Visibility = "everyone" | "followers_only" | "only_me";

export interface SimAthlete {
  id: number;
  firstname: string;
  lastname: string;
  /** Scopes this athlete accepts at /oauth/authorize (undefined = whatever the app asks). */
  scopes?: string;
  /** Member of the simulated Strava's one club (undefined = member). */
  clubMember?: boolean;
  created_at: string;
}

export interface SimActivity {
  id: number;
  athlete_id: number;
  name: string;
  sport_type: string;
  type: string;
  workout_type: number | null;
  visibility: Visibility;
  private: boolean;
  start_date: string; // UTC ISO, "Z"
  start_date_local: string;
  timezone: string;
  utc_offset: number;
  distance: number;
  moving_time: number;
  elapsed_time: number;
  total_elevation_gain: number;
  elev_high: number;
  elev_low: number;
  has_heartrate: boolean;
  average_heartrate?: number;
  max_heartrate?: number;
  manual: boolean;
  trainer: boolean;
  commute: boolean;
  description: string | null;
}

export type SimActivityInput = Omit<SimActivity, "id" | "athlete_id" | "type" | "private" | "start_date_local">;

const FIRST_ATHLETE_ID = 1000;
const FIRST_ACTIVITY_ID = 10_000_000_000;
export const RUN_SPORT_TYPES = ["Run", "TrailRun", "VirtualRun"];

export function isRace(a: Pick<SimActivity, "sport_type" | "workout_type">): boolean {
  return RUN_SPORT_TYPES.includes(a.sport_type) && a.workout_type === 1;
}

/** The deprecated `type` field: sport types without an ActivityType map to their parent. */
export function activityTypeOf(sportType: string): string {
  const parents: Record<string, string> = {
    TrailRun: "Run",
    MountainBikeRide: "Ride",
    GravelRide: "Ride",
    EMountainBikeRide: "EBikeRide",
  };
  return parents[sportType] ?? sportType;
}

/** Whether the athlete belongs to the simulated Strava's one club: everyone does unless made a non-member. */
export function isClubMember(a: Pick<SimAthlete, "clubMember">): boolean {
  return a.clubMember !== false;
}

export function epochOf(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

export function isoOf(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export class Store {
  readonly athletes = new Map<number, SimAthlete>();
  readonly activities = new Map<number, SimActivity>();
  private readonly idsByAthlete = new Map<number, Set<number>>();
  /**
   * The club feed's order, built on its first read and kept up after: an add appends to `byStart`, a
   * remove is noted in `removedSince`, and the next read sorts again (nearly sorted already, so a
   * TimSort pass stays linear). An update never moves a start_date.
   */
  private byStart: Keyed[] | null = null;
  private readonly removedSince = new Set<SimActivity>();
  private newestFirst: readonly SimActivity[] | null = null;
  private nextAthleteId = FIRST_ATHLETE_ID;
  private nextActivityId = FIRST_ACTIVITY_ID;
  private offsetSeconds = 0;

  nowMs(): number {
    return Date.now() + this.offsetSeconds * 1000;
  }

  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  advanceTime(seconds: number): void {
    this.offsetSeconds += seconds;
  }

  takeAthleteId(wanted?: number): number {
    const id = wanted ?? this.nextAthleteId;
    if (this.athletes.has(id)) throw new Error(`athlete ${id} already exists`);
    this.nextAthleteId = Math.max(this.nextAthleteId, id + 1);
    return id;
  }

  takeActivityId(): number {
    return this.nextActivityId++;
  }

  athlete(id: number): SimAthlete {
    const athlete = this.athletes.get(id);
    if (!athlete) throw new Error(`unknown athlete ${id}`);
    return athlete;
  }

  activity(id: number): SimActivity {
    const activity = this.activities.get(id);
    if (!activity) throw new Error(`unknown activity ${id}`);
    return activity;
  }

  addActivity(activity: SimActivity): void {
    this.activities.set(activity.id, activity);
    this.activityIdsOf(activity.athlete_id).add(activity.id);
    if (this.byStart) this.byStart.push(keyedOf(activity));
    this.newestFirst = null;
  }

  removeActivity(id: number): void {
    const activity = this.activities.get(id);
    if (!activity) return;
    this.activities.delete(id);
    this.activityIdsOf(activity.athlete_id).delete(id);
    if (this.byStart) this.removedSince.add(activity);
    this.newestFirst = null;
  }

  /** An athlete's activities, newest first (ties: higher id first). */
  activitiesOf(athleteId: number): SimActivity[] {
    const keyed = [...this.activityIdsOf(athleteId)].map((id) => keyedOf(this.activities.get(id)!));
    return keyed.sort(byNewest).map((k) => k.activity);
  }

  /** Every athlete's activities, newest first (ties: higher id first); sorted again only after an add or a remove. */
  allActivitiesNewestFirst(): readonly SimActivity[] {
    if (this.newestFirst) return this.newestFirst;
    let keyed = this.byStart ?? [...this.activities.values()].map(keyedOf);
    if (this.removedSince.size > 0) keyed = keyed.filter((k) => !this.removedSince.has(k.activity));
    this.removedSince.clear();
    this.byStart = keyed.sort(byNewest);
    return (this.newestFirst = keyed.map((k) => k.activity));
  }

  private activityIdsOf(athleteId: number): Set<number> {
    let ids = this.idsByAthlete.get(athleteId);
    if (!ids) this.idsByAthlete.set(athleteId, (ids = new Set()));
    return ids;
  }
}

interface Keyed { activity: SimActivity; at: number }
const keyedOf = (activity: SimActivity): Keyed => ({ activity, at: epochOf(activity.start_date) });
const byNewest = (a: Keyed, b: Keyed) => b.at - a.at || b.activity.id - a.activity.id;
