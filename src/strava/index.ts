import type { AppContext } from "../context.js";
import type { RateGate } from "./budget.js";
import type { ListActivitiesParams, Priority, StravaActivity, StravaAthlete, TokenResponse } from "./types.js";

export type { RateGate, BudgetState, AcquireOptions } from "./budget.js";

/** Observes every HTTP answer (or failure, status 0) the layer receives from Strava. */
export type CallHook = (endpoint: string, status: number, ms: number) => void;

/** Everything racesync sends to Strava goes through this facade (`ctx.strava`). */
export interface Strava {
  forAthlete(athleteId: number, priority: Priority): AthleteApi;
  exchangeCode(code: string): Promise<TokenResponse & { athlete: StravaAthlete }>;
  deauthorize(athleteId: number): Promise<void>;
  budget: RateGate;
  calls: { count(endpoint?: string): number };
  onCall(hook: CallHook): () => void;
}

export interface AthleteApi {
  getActivity(id: number): Promise<StravaActivity>;
  listActivities(p: ListActivitiesParams): Promise<StravaActivity[]>;
  getAthlete(): Promise<StravaAthlete>;
}

export type StravaDeps = Pick<AppContext, "config" | "sql" | "log">;

export function createStrava(ctx: StravaDeps): Strava {
  void ctx;
  throw new Error("not implemented yet");
}
