import { Hono } from "hono";
import { z } from "zod";
import { requireAdmin, type ViewerEnv } from "../auth/session.js";
import type { AppContext } from "../context.js";
import { notFound } from "../http/errors.js";
import { parseBody, parseWith } from "../http/validate.js";
import { listAdminAthletes } from "./athletes.js";
import { setAthleteFlags } from "./athlete-flags.js";
import { queueState, retryFailedJob } from "./queue.js";
import { reconcileEveryone, startAdminSync, stopAdminSync } from "./sync-control.js";
import { listRuns, runWithLogs } from "./sync-runs.js";
import { listWebhookEvents, replayWebhookEvent } from "./webhook-events.js";

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const idParam = z.object({ id });
const stravaIdParam = z.object({ stravaId: id });
const limit = (max: number) => z.coerce.number().int().min(1).max(max).default(50);

const flagsBody = z.strictObject({ is_hidden: z.boolean().optional(), is_blocked: z.boolean().optional() });
const syncBody = z.strictObject({
  mode: z.enum(["reconcile", "full"]),
  dry_run: z.boolean().default(false),
  allow_mass_delete: z.boolean().default(false),
});
const runsQuery = z.object({ athlete_id: id.optional(), status: z.string().max(20).optional(), kind: z.string().max(20).optional(), limit: limit(500) });
const eventsQuery = z.object({ outcome: z.string().max(40).optional(), limit: limit(500) });

/** `/api/admin/*`: every route needs the admin bearer token or an admin's session (viewer set by the app's session middleware). */
export function adminRoutes(ctx: AppContext): Hono<ViewerEnv> {
  const app = new Hono<ViewerEnv>();
  app.use(requireAdmin);

  app.get("/athletes", async (c) => c.json({ athletes: await listAdminAthletes(ctx.sql) }));
  app.patch("/athletes/:stravaId", async (c) => {
    const { stravaId } = parseWith(stravaIdParam, c.req.param());
    const flags = await parseBody(c, flagsBody);
    return c.json({ athlete: await setAthleteFlags(ctx, stravaId, flags) });
  });
  app.post("/athletes/:stravaId/sync", async (c) => {
    const { stravaId } = parseWith(stravaIdParam, c.req.param());
    const body = await parseBody(c, syncBody);
    return c.json({ run_id: await startAdminSync(ctx, stravaId, { mode: body.mode, dryRun: body.dry_run, allowMassDelete: body.allow_mass_delete }) }, 202);
  });
  app.post("/athletes/:stravaId/sync/stop", async (c) => {
    const { stravaId } = parseWith(stravaIdParam, c.req.param());
    return c.json(await stopAdminSync(ctx, stravaId));
  });
  app.post("/reconcile", async (c) => c.json(await reconcileEveryone(ctx), 202));

  app.get("/sync-runs", async (c) => c.json({ runs: await listRuns(ctx.sql, parseWith(runsQuery, c.req.query())) }));
  app.get("/sync-runs/:id", async (c) => {
    const run = await runWithLogs(ctx.sql, parseWith(idParam, c.req.param()).id);
    if (!run) throw notFound("sync run");
    return c.json(run);
  });

  app.get("/queue", async (c) => c.json(await queueState(ctx.sql)));
  app.post("/queue/jobs/:id/retry", async (c) => {
    await retryFailedJob(ctx.sql, parseWith(idParam, c.req.param()).id);
    return c.json({ retried: true });
  });
  app.get("/rate-limit", async (c) => c.json(await ctx.strava.budget.state()));

  app.get("/webhook-events", async (c) => c.json({ events: await listWebhookEvents(ctx.sql, parseWith(eventsQuery, c.req.query())) }));
  app.post("/webhook-events/:id/replay", async (c) => c.json(await replayWebhookEvent(ctx.sql, parseWith(idParam, c.req.param()).id), 202));
  return app;
}
