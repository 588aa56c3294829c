import { Hono } from "hono";
import type { AppContext } from "../context.js";
import { requireMember, type ViewerEnv } from "../auth/session.js";
import { audienceOf } from "./rules.js";
import { AppError, forbidden, notFound } from "../http/errors.js";
import { validate } from "../http/validate.js";
import { eventNamePatchSchema, raceFiltersSchema, raceParamsSchema } from "../contract/races.js";
import { getRace, listRaces, raceOwner } from "./query.js";
import { setEventName } from "./store.js";

/** GET /api/races (per DASHBOARD_VISIBILITY) and PATCH /api/races/:stravaActivityId (owner or admin). */
export function raceRoutes(ctx: AppContext): Hono<ViewerEnv> {
  const app = new Hono<ViewerEnv>();

  app.get("/api/races", validate("query", raceFiltersSchema), async (c) => {
    const audience = audienceOf(ctx.config, c.var.viewer);
    return c.json(await listRaces(ctx.db, audience, c.req.valid("query")));
  });

  app.patch("/api/races/:stravaActivityId", requireMember, validate("param", raceParamsSchema), validate("json", eventNamePatchSchema), async (c) => {
    const { stravaActivityId } = c.req.valid("param");
    const owner = await raceOwner(ctx.db, stravaActivityId);
    if (owner === null) throw notFound("race");
    const viewer = c.var.viewer!;
    if (!viewer.isAdmin && viewer.athleteId !== owner) throw forbidden("only the athlete who ran this race or an admin can edit it");
    const { event_name } = c.req.valid("json");
    const result = await setEventName(ctx.db, stravaActivityId, owner, event_name);
    if (result === "refused") throw new AppError("CONFLICT", "the athlete is blocked or has left: their races cannot be edited");
    return c.json(await getRace(ctx.db, stravaActivityId));
  });

  return app;
}
