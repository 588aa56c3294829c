import { Hono } from "hono";
import { z } from "zod";
import type { AppContext } from "../context.js";
import { athleteOf, requireMember, type ViewerEnv } from "../auth/session.js";
import { athleteScope } from "../auth/visibility.js";
import { parseBody } from "../http/validate.js";
import { unauthenticated } from "../http/errors.js";
import { listAthletes } from "./list.js";
import { getMe, setHidden } from "./me.js";

const mePatch = z.object({ is_hidden: z.boolean() }).strict();

/** GET/PATCH /api/me and GET /api/athletes. */
export function athleteRoutes(ctx: AppContext): Hono<ViewerEnv> {
  const app = new Hono<ViewerEnv>();

  app.get("/api/me", async (c) => {
    const me = await getMe(ctx.sql, athleteOf(c.var.viewer));
    if (!me) throw unauthenticated();
    return c.json(me);
  });

  app.patch("/api/me", async (c) => {
    const athleteId = athleteOf(c.var.viewer);
    const patch = await parseBody(c, mePatch);
    await setHidden(ctx.sql, athleteId, patch.is_hidden);
    return c.json(await getMe(ctx.sql, athleteId));
  });

  app.get("/api/athletes", requireMember, async (c) => {
    return c.json({ athletes: await listAthletes(ctx.sql, athleteScope(ctx.config, c.var.viewer)) });
  });

  return app;
}
