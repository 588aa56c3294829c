import { Hono, type Context } from "hono";
import type { SimContext } from "./context.js";
import { faultResponse } from "./http.js";
import { faults } from "./faults-body.js";
import { bearerOf } from "./oauth.js";
import { activityDetailJson, activitySummaryJson, athleteJson, clubActivityJson } from "./serialize.js";
import { statsJson } from "./stats.js";
import { epochOf, isClubMember, type SimActivity } from "./store.js";
import type { ValidToken } from "./tokens.js";

const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 200;

/** Athlete-token endpoints under /api/v3. */
export function activityRoutes(ctx: SimContext): Hono<{ Variables: { token: ValidToken } }> {
  const app = new Hono<{ Variables: { token: ValidToken } }>();
  app.use("/athlete", requireToken(ctx));
  app.use("/athlete/*", requireToken(ctx));
  app.use("/activities/*", requireToken(ctx));
  app.use("/athletes/*", requireToken(ctx));
  app.use("/clubs/*", requireToken(ctx));

  app.get("/athlete", (c) => c.json(athleteJson(ctx.store.athlete(c.get("token").athleteId))));
  app.get("/athlete/activities", (c) => listActivities(c, ctx, c.get("token")));
  // Strava answers only for the token's own athlete.
  app.get("/athletes/:id/stats", (c) => {
    const token = c.get("token");
    if (Number(c.req.param("id")) !== token.athleteId) return faultResponse(c, 401, faults.invalidToken());
    return c.json(statsJson(ctx.store.activitiesOf(token.athleteId)));
  });
  app.get("/activities/:id", (c) => {
    const id = Number(c.req.param("id"));
    const activity = visibleActivity(ctx, c.get("token"), id);
    if (!activity || ctx.apiFaults.takeNotFound(id)) return faultResponse(c, 404, faults.activityNotFound());
    return c.json(activityDetailJson(activity));
  });
  app.get("/clubs/:id/activities", (c) => listClubActivities(c, ctx, c.get("token")));
  return app;
}

function requireToken(ctx: SimContext) {
  return async (c: Context<{ Variables: { token: ValidToken } }>, next: () => Promise<void>) => {
    const token = ctx.tokens.validate(bearerOf(c) ?? c.req.query("access_token"));
    if (!token) return faultResponse(c, 401, faults.invalidToken());
    c.set("token", token);
    await next();
  };
}

const canReadActivities = (t: ValidToken) => t.scopes.includes("activity:read") || canReadAll(t);
const canReadAll = (t: ValidToken) => t.scopes.includes("activity:read_all");

function listActivities(c: Context, ctx: SimContext, token: ValidToken): Response {
  if (!canReadActivities(token)) return faultResponse(c, 401, faults.missingActivityRead());
  const before = intParam(c.req.query("before"));
  const after = intParam(c.req.query("after"));
  if (after !== undefined && after > ctx.store.now()) return faultResponse(c, 400, faults.afterInFuture());
  const { page, perPage } = pageParams(c);

  const matching = ctx.store
    .activitiesOf(token.athleteId) // newest first, ties by id descending
    .filter((a) => canReadAll(token) || a.visibility !== "only_me")
    .filter((a) => before === undefined || epochOf(a.start_date) < before)
    .filter((a) => after === undefined || epochOf(a.start_date) > after);
  // Legacy docs: "sorted oldest first if the after parameter is used"; with both, newest first (recorded).
  const ordered = after !== undefined && before === undefined ? matching.reverse() : matching;
  const pageItems = ordered.slice((page - 1) * perPage, page * perPage);
  return c.json(pageItems.map(activitySummaryJson));
}

/** The club's feed: members' Everyone activities, newest first; 404 for another club or a non-member's token. */
function listClubActivities(c: Context, ctx: SimContext, token: ValidToken): Response {
  const member = ctx.store.athletes.get(token.athleteId);
  if (Number(c.req.param("id")) !== ctx.clubId || !member || !isClubMember(member)) {
    return faultResponse(c, 404, faults.clubNotFound());
  }
  const { page, perPage } = pageParams(c);
  const skip = (page - 1) * perPage;
  const pageItems: Record<string, unknown>[] = [];
  let shown = 0;
  for (const a of ctx.store.allActivitiesNewestFirst()) {
    if (a.visibility !== "everyone") continue;
    const athlete = ctx.store.athletes.get(a.athlete_id);
    if (!athlete || !isClubMember(athlete) || shown++ < skip) continue;
    pageItems.push(clubActivityJson(a, athlete));
    if (pageItems.length === perPage) break;
  }
  return c.json(pageItems);
}

function pageParams(c: Context): { page: number; perPage: number } {
  const page = Math.max(1, intParam(c.req.query("page")) ?? 1);
  const requested = intParam(c.req.query("per_page")) ?? DEFAULT_PER_PAGE;
  return { page, perPage: Math.min(MAX_PER_PAGE, requested < 1 ? DEFAULT_PER_PAGE : requested) };
}

/** The activity if this token may see it; Strava answers 404 for everything else. */
function visibleActivity(ctx: SimContext, token: ValidToken, id: number): SimActivity | null {
  const activity = ctx.store.activities.get(id);
  if (!activity || activity.athlete_id !== token.athleteId) return null;
  if (!canReadActivities(token)) return null;
  if (activity.visibility === "only_me" && !canReadAll(token)) return null;
  return activity;
}

function intParam(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? Math.floor(n) : undefined;
}
