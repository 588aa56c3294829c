import { Hono } from "hono";
import { z } from "zod";
import type { AppContext } from "../context.js";
import { requireMember, type ViewerEnv } from "../auth/session.js";
import { athleteScope } from "../auth/visibility.js";
import { forbidden, notFound } from "../http/errors.js";
import { parseBody, parseWith } from "../http/validate.js";
import { getRace, listRaces, raceFiltersSchema, raceOwner } from "./query.js";
import { setEventName } from "./store.js";

const activityIdParam = z.object({ stravaActivityId: z.coerce.number().int().positive() });

const eventNamePatch = z.object({
  event_name: z
    .string()
    .trim()
    .max(200)
    .nullable()
    .transform((v) => (v === "" ? null : v)),
}).strict();

/** GET /api/races (per DASHBOARD_VISIBILITY) and PATCH /api/races/:stravaActivityId (owner or admin). */
export function raceRoutes(ctx: AppContext): Hono<ViewerEnv> {
  const app = new Hono<ViewerEnv>();

  app.get("/api/races", async (c) => {
    const scope = athleteScope(ctx.config, c.var.viewer);
    const filters = parseWith(raceFiltersSchema, c.req.query());
    return c.json(await listRaces(ctx.sql, scope, filters));
  });

  app.patch("/api/races/:stravaActivityId", requireMember, async (c) => {
    const { stravaActivityId } = parseWith(activityIdParam, c.req.param());
    const owner = await raceOwner(ctx.sql, stravaActivityId);
    if (owner === null) throw notFound("race");
    const viewer = c.var.viewer!;
    if (!viewer.isAdmin && viewer.athleteId !== owner) throw forbidden("only the athlete who ran this race or an admin can edit it");
    const { event_name } = await parseBody(c, eventNamePatch);
    await setEventName(ctx.sql, stravaActivityId, event_name);
    return c.json(await getRace(ctx.sql, stravaActivityId));
  });

  return app;
}
