import { Hono, type MiddlewareHandler } from "hono";
import type { AppContext } from "../context.js";
import { athleteOf, requireMember, type ViewerEnv } from "../auth/session.js";
import { mePatchSchema } from "../contract/athletes.js";
import { audienceOf } from "../races/rules.js";
import { validate } from "../http/validate.js";
import { unauthenticated } from "../http/errors.js";
import { listAthletes } from "./list.js";
import { exportRaces, getMe, setShareOnBoard } from "./me.js";

/** A signed-in athlete (the bearer admin is none) → 401 before the body is looked at. */
const signedInAthlete: MiddlewareHandler<ViewerEnv> = async (c, next) => {
  athleteOf(c.var.viewer);
  await next();
};

/** GET/PATCH /api/me, GET /api/me/export and GET /api/athletes. */
export function athleteRoutes(ctx: AppContext): Hono<ViewerEnv> {
  const app = new Hono<ViewerEnv>();
  const me = async (athleteId: number, isAdmin: boolean) => {
    const found = await getMe(ctx.db, athleteId, isAdmin);
    if (!found) throw unauthenticated();
    return found;
  };

  app.get("/api/me", async (c) => c.json(await me(athleteOf(c.var.viewer), c.var.viewer!.isAdmin)));

  app.patch("/api/me", signedInAthlete, validate("json", mePatchSchema), async (c) => {
    const athleteId = athleteOf(c.var.viewer);
    const patch = c.req.valid("json");
    await setShareOnBoard(ctx.db, athleteId, patch.share_on_board);
    return c.json(await me(athleteId, c.var.viewer!.isAdmin));
  });

  app.get("/api/me/export", async (c) => {
    const athleteId = athleteOf(c.var.viewer);
    const exported = await exportRaces(ctx.db, athleteId);
    if (!exported) throw unauthenticated();
    c.header("content-disposition", `attachment; filename="racesync-races-${athleteId}.json"`);
    c.header("cache-control", "no-store");
    return c.json(exported);
  });

  app.get("/api/athletes", requireMember, async (c) => {
    return c.json({ athletes: await listAthletes(ctx.db, audienceOf(ctx.config, c.var.viewer)) });
  });

  return app;
}
