import { type SimActivity, type SimAthlete } from "./store.js";

/** Strava's summary athlete, as in the token response and GET /athlete. */
export function athleteJson(a: SimAthlete): Record<string, unknown> {
  return {
    id: a.id,
    username: `${a.firstname}${a.lastname}`.toLowerCase(),
    resource_state: 2,
    firstname: a.firstname,
    lastname: a.lastname,
    bio: null,
    city: "Springfield",
    state: null,
    country: "United States",
    sex: null,
    premium: false,
    summit: false,
    created_at: a.created_at,
    updated_at: a.created_at,
    badge_type_id: 0,
    weight: null,
    profile_medium: "avatar/athlete/medium.png",
    profile: "avatar/athlete/large.png",
    friend: null,
    follower: null,
  };
}

/** SummaryActivity (resource_state 2), field set as in a real Oct 2025 list response. */
export function activitySummaryJson(a: SimActivity): Record<string, unknown> {
  return {
    resource_state: 2,
    athlete: { id: a.athlete_id, resource_state: 1 },
    ...effortJson(a),
    id: a.id,
    start_date: a.start_date,
    start_date_local: a.start_date_local,
    timezone: a.timezone,
    utc_offset: a.utc_offset,
    location_city: null,
    location_state: null,
    location_country: null,
    achievement_count: 0,
    kudos_count: 0,
    comment_count: 0,
    athlete_count: 1,
    photo_count: 0,
    map: { id: `a${a.id}`, summary_polyline: "", resource_state: 2 },
    trainer: a.trainer,
    commute: a.commute,
    manual: a.manual,
    private: a.private,
    visibility: a.visibility,
    flagged: false,
    gear_id: null,
    start_latlng: [],
    end_latlng: [],
    average_speed: round(a.distance / Math.max(1, a.moving_time), 3),
    max_speed: round((a.distance / Math.max(1, a.moving_time)) * 1.6, 3),
    has_heartrate: a.has_heartrate,
    ...(a.has_heartrate ? { average_heartrate: a.average_heartrate, max_heartrate: a.max_heartrate } : {}),
    heartrate_opt_out: false,
    display_hide_heartrate_option: a.has_heartrate,
    elev_high: a.elev_high,
    elev_low: a.elev_low,
    upload_id: a.manual ? null : a.id + 1_000_000,
    upload_id_str: a.manual ? null : String(a.id + 1_000_000),
    external_id: a.manual ? null : `${a.id}.fit`,
    from_accepted_tag: false,
    pr_count: 0,
    total_photo_count: 0,
    has_kudoed: false,
    device_name: a.manual ? null : "Garmin Forerunner 265",
  };
}

/** ClubActivity: what GET /clubs/:id/activities shows of a member's activity; no id, no dates, the lastname's initial. */
export function clubActivityJson(a: SimActivity, athlete: SimAthlete): Record<string, unknown> {
  return {
    resource_state: 2,
    athlete: { resource_state: 2, firstname: athlete.firstname, lastname: `${athlete.lastname.slice(0, 1)}.` },
    ...effortJson(a),
  };
}

/** The fields a summary and a club feed entry share, in Strava's order. */
function effortJson(a: SimActivity): Record<string, unknown> {
  return {
    name: a.name,
    distance: a.distance,
    moving_time: a.moving_time,
    elapsed_time: a.elapsed_time,
    total_elevation_gain: a.total_elevation_gain,
    type: a.type,
    sport_type: a.sport_type,
    workout_type: a.workout_type,
  };
}

/** DetailedActivity (resource_state 3): the summary plus the detail-only fields racesync may read. */
export function activityDetailJson(a: SimActivity): Record<string, unknown> {
  return {
    ...activitySummaryJson(a),
    resource_state: 3,
    description: a.description,
    calories: round(a.distance * 0.065, 1),
    segment_efforts: [],
    splits_metric: [],
    laps: [],
    best_efforts: [],
    photos: { primary: null, count: 0 },
    stats_visibility: [],
    hide_from_home: false,
    embed_token: `embed${a.id}`,
    available_zones: [],
    perceived_exertion: null,
    prefer_perceived_exertion: null,
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
