import { z } from "zod";
import { countAthleteCall } from "./athlete-calls.js";
import type { RateGate } from "./budget.js";
import { StravaUnauthorized } from "./errors.js";
import type { StravaHttp, StravaRequest, StravaResponse } from "./http.js";
import { expectOk } from "./responses.js";
import { getAccessToken, markNeedsReauth, type TokenContext } from "./tokens.js";
import { stravaActivitySchema, stravaAthleteSchema, type ListActivitiesParams, type Priority, type StravaActivity, type StravaAthlete } from "./types.js";

export interface AthleteApi {
  getActivity(id: number): Promise<StravaActivity>;
  listActivities(p: ListActivitiesParams): Promise<StravaActivity[]>;
  getAthlete(): Promise<StravaAthlete>;
}

type ApiRequest = Omit<StravaRequest, "token" | "method" | "url"> & { path: string };

/** A request that counts against Strava's limits: budget first, Strava's own usage figures after. */
export async function sendWithinBudget(ctx: { http: StravaHttp; budget: RateGate }, priority: Priority, req: StravaRequest): Promise<StravaResponse> {
  await ctx.budget.acquire(priority, { read: true });
  const res = await ctx.http.send(req);
  await ctx.budget.record(res.limits, { rateLimited: res.status === 429 });
  return res;
}

/**
 * One athlete's API at one priority. Every call: token → gate → request → record usage → typed result.
 */
export function athleteApi(ctx: TokenContext & { budget: RateGate }, athleteId: number, priority: Priority): AthleteApi {
  const { apiUrl, windowSeconds, daySeconds } = ctx.config.strava;

  async function call<T>(req: ApiRequest, schema: z.ZodType<T>): Promise<T> {
    const token = await getAccessToken(ctx, athleteId);
    const res = await sendWithinBudget(ctx, priority, { ...req, method: "GET", url: `${apiUrl}${req.path}`, token });
    await countAthleteCall(ctx.sql, athleteId);
    try {
      return expectOk(res, schema, { windowSeconds, daySeconds });
    } catch (err) {
      if (err instanceof StravaUnauthorized) await markNeedsReauth(ctx.sql, athleteId, `Strava refused the access token: ${err.message}`);
      throw err;
    }
  }

  return {
    getActivity: (id) => call({ endpoint: "GET /activities/:id", path: `/activities/${id}` }, stravaActivitySchema),
    getAthlete: () => call({ endpoint: "GET /athlete", path: "/athlete" }, stravaAthleteSchema),
    listActivities: (p) =>
      call(
        {
          endpoint: "GET /athlete/activities",
          path: "/athlete/activities",
          query: { before: p.before, after: p.after, page: p.page, per_page: p.perPage },
        },
        z.array(stravaActivitySchema),
      ),
  };
}
