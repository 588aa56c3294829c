import { z } from "zod";
import type { AppContext } from "../context.js";
import { athleteApi, sendWithinBudget, type AthleteApi } from "./athlete-api.js";
import { createRateGate, type GateOptions, type RateGate } from "./budget.js";
import { createCallLog, type CallCounters, type CallHook } from "./calls.js";
import { StravaUnauthorized } from "./errors.js";
import { createHttp, type HttpOptions } from "./http.js";
import { expectOk } from "./responses.js";
import { getAccessToken, type TokenContext } from "./tokens.js";
import { stravaAthleteSchema, tokenResponseSchema, type Priority, type StravaAthlete, type TokenResponse } from "./types.js";

export type { AthleteApi } from "./athlete-api.js";
export type { AcquireOptions, BudgetState, RateGate } from "./budget.js";
export type { CallHook } from "./calls.js";

/** Everything racesync sends to Strava goes through this facade (`ctx.strava`). */
export interface Strava {
  forAthlete(athleteId: number, priority: Priority): AthleteApi;
  /** POST /oauth/token with grant_type=authorization_code. */
  exchangeCode(code: string): Promise<TokenResponse & { athlete: StravaAthlete }>;
  /** Revokes racesync's access for the athlete; an already revoked or missing token is fine. */
  deauthorize(athleteId: number): Promise<void>;
  budget: RateGate;
  calls: CallCounters;
  /** Subscribes to every call's endpoint, status (0 = no answer) and duration; returns the unsubscribe. */
  onCall(hook: CallHook): () => void;
  /** Releases the keep-alive connections. */
  close(): Promise<void>;
}

export type StravaDeps = Pick<AppContext, "config" | "sql" | "log">;

export interface StravaOptions {
  http?: HttpOptions;
  gate?: Partial<GateOptions>;
}

const exchangeSchema = tokenResponseSchema.extend({ athlete: stravaAthleteSchema });

export function createStrava(deps: StravaDeps, opts: StravaOptions = {}): Strava {
  const { clientId, clientSecret, oauthUrl, windowSeconds, daySeconds } = deps.config.strava;
  const lengths = { windowSeconds, daySeconds };
  const calls = createCallLog();
  const http = createHttp(opts.http, calls.observe);
  const budget = createRateGate(deps.sql, { ...lengths, ...opts.gate });
  const ctx: TokenContext & { budget: RateGate } = { ...deps, http, budget };

  async function exchangeCode(code: string) {
    const res = await http.send({
      endpoint: "POST /oauth/token",
      method: "POST",
      url: `${oauthUrl}/token`,
      form: { client_id: clientId, client_secret: clientSecret, code, grant_type: "authorization_code" },
    });
    return expectOk(res, exchangeSchema, lengths);
  }

  async function deauthorize(athleteId: number): Promise<void> {
    const token = await getAccessToken(ctx, athleteId).catch((err: unknown) => {
      if (err instanceof StravaUnauthorized) return null; // nothing left to revoke
      throw err;
    });
    if (token === null) return;
    const res = await sendWithinBudget(ctx, "webhook", { endpoint: "POST /oauth/deauthorize", method: "POST", url: `${oauthUrl}/deauthorize`, token, form: {} });
    if (res.status === 401) return;
    expectOk(res, z.unknown(), lengths);
  }

  return {
    forAthlete: (athleteId, priority) => athleteApi(ctx, athleteId, priority),
    exchangeCode,
    deauthorize,
    budget,
    calls: calls.counters,
    onCall: calls.onCall,
    close: () => http.close(),
  };
}
