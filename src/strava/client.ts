import { z } from "zod";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import type { Log } from "../log.js";
import { createRateGate, type GateOptions, type RateGate } from "./budget.js";
import { countAthleteCall, createCallLog, type CallCounters, type CallHook } from "./calls.js";
import { StravaBadRequest, StravaUnauthorized } from "./errors.js";
import { createHttp, expectOk, type HttpOptions, type StravaRequest, type StravaResponse } from "./http.js";
import { getAccessToken, markNeedsReauth, refresh } from "./tokens.js";
import {
  clubActivitySchema,
  stravaActivitySchema,
  stravaAthleteSchema,
  tokenResponseSchema,
  type ClubActivity,
  type ListActivitiesParams,
  type Priority,
  type StravaActivity,
  type StravaAthlete,
  type TokenResponse,
} from "./types.js";

export type { AcquireOptions, BudgetState, RateGate } from "./budget.js";
export type { CallHook } from "./calls.js";

/** One athlete's API at one priority. */
export interface AthleteApi {
  getActivity(id: number): Promise<StravaActivity>;
  listActivities(p: ListActivitiesParams): Promise<StravaActivity[]>;
  /** One page of a club's activity feed, newest first; the athlete must be a member. */
  listClubActivities(clubId: number, p: { page: number; perPage: number }): Promise<ClubActivity[]>;
  getAthlete(): Promise<StravaAthlete>;
  /** The athlete's run, ride and swim count set to Everyone (GET /athletes/{id}/stats): a floor for the history's size. */
  historySize(): Promise<number>;
}

/** Everything racesync sends to Strava goes through this facade (`ctx.strava`). */
export interface Strava {
  forAthlete(athleteId: number, priority: Priority): AthleteApi;
  /** POST /oauth/token with grant_type=authorization_code. */
  exchangeCode(code: string): Promise<TokenResponse & { athlete: StravaAthlete }>;
  /**
   * Revokes racesync's access at Strava with these (plaintext) tokens: a refused access token is
   * refreshed first; a refused refresh token means nothing is left to revoke. Throws while Strava
   * cannot be reached, so a job retries it.
   */
  revokeTokens(tokens: { accessToken: string; refreshToken: string }): Promise<void>;
  /**
   * Does Strava refuse the athlete's tokens (refresh refused or 401)? One call (GET /athlete), made
   * even for a blocked athlete: a deauthorization event is only believed once this says yes.
   */
  authorizationRefused(athleteId: number): Promise<boolean>;
  budget: RateGate;
  calls: CallCounters;
  /** Subscribes to every call's endpoint, status (0 = no answer) and duration; returns the unsubscribe. */
  onCall(hook: CallHook): () => void;
  /** Releases the keep-alive connections. */
  close(): Promise<void>;
}

export interface StravaDeps {
  config: Config;
  db: Db;
  log: Log;
}

export interface StravaOptions {
  http?: HttpOptions;
  gate?: Partial<GateOptions>;
}

/** What the layer's own functions share: its deps, the HTTP client and the rate-limit gate. */
export type StravaLayer = StravaDeps & { http: ReturnType<typeof createHttp>; budget: RateGate };

const exchangeSchema = tokenResponseSchema.extend({ athlete: stravaAthleteSchema });
const totals = z.object({ count: z.number().int() });
const statsSchema = z.object({ all_run_totals: totals, all_ride_totals: totals, all_swim_totals: totals });

export function createStrava(deps: StravaDeps, opts: StravaOptions = {}): Strava {
  const { clientId, clientSecret, oauthUrl, windowSeconds, daySeconds } = deps.config.strava;
  const lengths = { windowSeconds, daySeconds };
  const calls = createCallLog();
  const layer: StravaLayer = {
    ...deps,
    http: createHttp(opts.http, calls.observe),
    budget: createRateGate(deps.db, {
      ...lengths,
      reconcileMaxAgeDays: deps.config.reconcileMaxAgeDays,
      // With a club feed, a run's checks cost no call of their own: follow-ups want what they spent.
      followUpChecksPerUpload: deps.config.clubId ? 0 : deps.config.followUpScheduleSeconds.length,
      ...opts.gate,
    }),
  };

  async function exchangeCode(code: string) {
    const res = await layer.http.send({
      endpoint: "POST /oauth/token",
      method: "POST",
      url: `${oauthUrl}/token`,
      form: { client_id: clientId, client_secret: clientSecret, code, grant_type: "authorization_code" },
    });
    return expectOk(res, exchangeSchema, lengths);
  }

  const deauthorizeWith = (token: string) =>
    sendWithinBudget(layer, "webhook", { endpoint: "POST /oauth/deauthorize", method: "POST", url: `${oauthUrl}/deauthorize`, token, form: {} });

  async function revokeTokens(tokens: { accessToken: string; refreshToken: string }): Promise<void> {
    let res = await deauthorizeWith(tokens.accessToken);
    if (res.status === 401) {
      const refreshed = await refresh(layer, tokens.refreshToken).catch((err: unknown) => {
        if (err instanceof StravaUnauthorized || err instanceof StravaBadRequest) return null; // revoked already
        throw err;
      });
      if (!refreshed) return;
      res = await deauthorizeWith(refreshed.access_token);
      if (res.status === 401) return;
    }
    expectOk(res, z.unknown(), lengths);
  }

  async function authorizationRefused(athleteId: number): Promise<boolean> {
    try {
      await athleteApi(layer, athleteId, "webhook", { evenIfBlocked: true }).getAthlete();
      return false;
    } catch (err) {
      if (err instanceof StravaUnauthorized) return true;
      throw err;
    }
  }

  return {
    forAthlete: (athleteId, priority) => athleteApi(layer, athleteId, priority),
    exchangeCode,
    revokeTokens,
    authorizationRefused,
    budget: layer.budget,
    calls: calls.counters,
    onCall: calls.onCall,
    close: () => layer.http.close(),
  };
}

type ApiRequest = Omit<StravaRequest, "token" | "method" | "url"> & { path: string };

/** A request that counts against Strava's limits: budget first, Strava's own usage figures after. */
async function sendWithinBudget(layer: StravaLayer, priority: Priority, req: StravaRequest): Promise<StravaResponse> {
  const sentIn = await layer.budget.acquire(priority, { read: true });
  const res = await layer.http.send(req);
  const retryAt = await layer.budget.record(res.limits, { rateLimited: res.status === 429, sentIn });
  return retryAt ? { ...res, retryAt } : res;
}

/** Every call: token → gate → request → record usage → typed result. */
function athleteApi(layer: StravaLayer, athleteId: number, priority: Priority, opts: { evenIfBlocked?: boolean } = {}): AthleteApi {
  const { apiUrl, windowSeconds, daySeconds } = layer.config.strava;

  async function send(req: ApiRequest, token: string): Promise<StravaResponse> {
    const res = await sendWithinBudget(layer, priority, { ...req, method: "GET", url: `${apiUrl}${req.path}`, token });
    await countAthleteCall(layer.db, athleteId);
    return res;
  }

  async function call<T>(req: ApiRequest, schema: z.ZodType<T>): Promise<T> {
    const token = await getAccessToken(layer, athleteId, opts);
    let res = await send(req, token);
    // A token can run out between our look at its expiry and Strava's (a slow machine, a paused
    // process): refresh it and try once more before taking the 401 for a lost authorization.
    if (res.status === 401) res = await send(req, await getAccessToken(layer, athleteId, { ...opts, rejected: token }));
    try {
      return expectOk(res, schema, { windowSeconds, daySeconds });
    } catch (err) {
      if (err instanceof StravaUnauthorized) await markNeedsReauth(layer.db, athleteId, `Strava refused the access token: ${err.message}`);
      throw err;
    }
  }

  return {
    getActivity: (id) => call({ endpoint: "GET /activities/:id", path: `/activities/${id}` }, stravaActivitySchema),
    getAthlete: () => call({ endpoint: "GET /athlete", path: "/athlete" }, stravaAthleteSchema),
    historySize: async () => {
      const stats = await call({ endpoint: "GET /athletes/:id/stats", path: `/athletes/${athleteId}/stats` }, statsSchema);
      return stats.all_run_totals.count + stats.all_ride_totals.count + stats.all_swim_totals.count;
    },
    listActivities: (p) =>
      call(
        {
          endpoint: "GET /athlete/activities",
          path: "/athlete/activities",
          query: { before: p.before, after: p.after, page: p.page, per_page: p.perPage },
        },
        z.array(stravaActivitySchema),
      ),
    listClubActivities: (clubId, p) =>
      call(
        { endpoint: "GET /clubs/:id/activities", path: `/clubs/${clubId}/activities`, query: { page: p.page, per_page: p.perPage } },
        z.array(clubActivitySchema),
      ),
  };
}
