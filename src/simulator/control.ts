import type { SimContext } from "./context.js";
import { emitActivityCreated, emitActivityDeleted, emitActivityUpdated, emitAthleteDeauthorized } from "./events.js";
import { generateHistory, type HistoryOptions } from "./seed.js";
import { activityTypeOf, isRace, isoOf, epochOf, type SimActivity, type SimActivityInput, type SimAthlete, type Visibility } from "./store.js";
import { parseScopes, type TokenPair } from "./tokens.js";

/** Control verbs: what a user does on Strava, plus test shortcuts. Mutations emit webhook events. */

const FIRST_NAMES = ["Ada", "Bruno", "Chiara", "Deniz", "Emeka", "Freya", "Goran", "Hana", "Ivo", "Jun"];
const LAST_NAMES = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Kowalski", "Haddad", "Byrne"];
const DEFAULT_TOKEN_SCOPES = "read,activity:read_all";

export interface SeedAthleteInput { id?: number; firstname?: string; lastname?: string; scopes?: string }
export interface ActivityPatch { name?: string; sport_type?: string; visibility?: Visibility; workout_type?: number | null }

export function seedAthlete(ctx: SimContext, input: SeedAthleteInput = {}): SimAthlete {
  const id = ctx.store.takeAthleteId(input.id);
  const athlete: SimAthlete = {
    id,
    firstname: input.firstname ?? ctx.random.pick(FIRST_NAMES),
    lastname: input.lastname ?? ctx.random.pick(LAST_NAMES),
    ...(input.scopes !== undefined ? { scopes: input.scopes } : {}),
    created_at: isoOf(ctx.store.now()),
  };
  ctx.store.athletes.set(id, athlete);
  return athlete;
}

/** The athlete /oauth/authorize approves as: explicit id, else the "next athlete", else a new one. */
export function ensureAthleteForAuthorize(ctx: SimContext, athleteId?: number): SimAthlete {
  const wanted = athleteId ?? ctx.oauth.nextAthleteId ?? undefined;
  if (athleteId === undefined) ctx.oauth.nextAthleteId = null;
  if (wanted === undefined) {
    const athlete = seedAthlete(ctx);
    seedHistory(ctx, athlete.id, { count: 12 });
    return athlete;
  }
  return ctx.store.athletes.get(wanted) ?? seedAthlete(ctx, { id: wanted });
}

/** Past activities that exist before the app hears of them: no events. */
export function seedHistory(ctx: SimContext, athleteId: number, opts: HistoryOptions): SimActivity[] {
  ctx.store.athlete(athleteId);
  return generateHistory(ctx.random, ctx.store.now(), opts).map((input) => insertActivity(ctx, athleteId, input));
}

export function createActivity(ctx: SimContext, athleteId: number, input: Partial<SimActivityInput> = {}): SimActivity {
  ctx.store.athlete(athleteId);
  const [template] = generateHistory(ctx.random, ctx.store.now(), { count: 1, start: new Date(ctx.store.nowMs() - 3_600_000) });
  const activity = insertActivity(ctx, athleteId, { ...(template as SimActivityInput), ...input });
  emitActivityCreated(ctx, activity);
  return { ...activity };
}

export function updateActivity(ctx: SimContext, id: number, patch: ActivityPatch): SimActivity {
  const current = ctx.store.activity(id);
  const before = { ...current };
  if (patch.name !== undefined) current.name = patch.name;
  if (patch.sport_type !== undefined) {
    current.sport_type = patch.sport_type;
    current.type = activityTypeOf(patch.sport_type);
  }
  if (patch.visibility !== undefined) {
    current.visibility = patch.visibility;
    current.private = patch.visibility === "only_me";
  }
  if (patch.workout_type !== undefined) current.workout_type = patch.workout_type;
  emitActivityUpdated(ctx, before, current);
  return { ...current };
}

export function deleteActivity(ctx: SimContext, id: number): void {
  const activity = ctx.store.activity(id);
  ctx.store.removeActivity(id);
  emitActivityDeleted(ctx, activity);
}

/** Joins the athlete to the one club or makes them leave it (no webhook event: Strava sends none). */
export function setClubMember(ctx: SimContext, athleteId: number, member: boolean): void {
  ctx.store.athlete(athleteId).clubMember = member;
}

/** Revokes every token of the athlete; the athlete event goes out only if the app was authorized. */
export function deauthorize(ctx: SimContext, athleteId: number, emitEvent = true): void {
  const wasAuthorized = ctx.tokens.isAuthorized(athleteId);
  ctx.tokens.revokeAthlete(athleteId);
  if (wasAuthorized && emitEvent) emitAthleteDeauthorized(ctx, athleteId);
}

export function issueTokens(ctx: SimContext, athleteId: number, scopes?: string): TokenPair {
  const athlete = ctx.store.athlete(athleteId);
  return ctx.tokens.issue(athleteId, parseScopes(scopes ?? athlete.scopes ?? DEFAULT_TOKEN_SCOPES));
}

export function activitiesOf(ctx: SimContext, athleteId: number): SimActivity[] {
  return ctx.store.activitiesOf(athleteId).map((a) => ({ ...a }));
}

export function racesOf(ctx: SimContext, athleteId: number): SimActivity[] {
  return activitiesOf(ctx, athleteId).filter(isRace);
}

function insertActivity(ctx: SimContext, athleteId: number, input: SimActivityInput): SimActivity {
  const activity: SimActivity = {
    ...input,
    id: ctx.store.takeActivityId(),
    athlete_id: athleteId,
    type: activityTypeOf(input.sport_type),
    private: input.visibility === "only_me",
    start_date_local: isoOf(epochOf(input.start_date) + input.utc_offset),
  };
  ctx.store.addActivity(activity);
  return activity;
}
