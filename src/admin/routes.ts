import { Hono } from "hono";
import { requireAdmin, type ViewerEnv } from "../auth/session.js";
import type { AppContext } from "../context.js";
import { notFound } from "../http/errors.js";
import { validate } from "../http/validate.js";
import {
  adminSyncRequestSchema,
  athleteFlagsPatchSchema,
  idParamsSchema,
  stravaIdParamsSchema,
  syncRunsQuerySchema,
  webhookEventsQuerySchema,
} from "../contract/admin.js";
import { listAdminAthletes } from "./athletes.js";
import { rateLimitReport } from "./budget-report.js";
import { reconcilePreview } from "./reconcile-preview.js";
import { setAthleteFlags } from "./athlete-flags.js";
import { queueState, retryFailedJob } from "./queue.js";
import { reconcileEveryone, startAdminSync, stopAdminSync } from "./sync-control.js";
import { listRuns, runWithLogs } from "./sync-runs.js";
import { listWebhookEvents, replayWebhookEvent } from "./webhook-events.js";

/** `/api/admin/*`: every route needs the admin bearer token or an admin's session (viewer set by the app's session middleware). */
export function adminRoutes(ctx: AppContext): Hono<ViewerEnv> {
  const app = new Hono<ViewerEnv>();
  app.use(requireAdmin);

  app.get("/athletes", async (c) => c.json({ athletes: await listAdminAthletes(ctx) }));
  app.patch("/athletes/:stravaId", validate("param", stravaIdParamsSchema), validate("json", athleteFlagsPatchSchema), async (c) => {
    return c.json({ athlete: await setAthleteFlags(ctx, c.req.valid("param").stravaId, c.req.valid("json")) });
  });
  app.post("/athletes/:stravaId/sync", validate("param", stravaIdParamsSchema), validate("json", adminSyncRequestSchema), async (c) => {
    const body = c.req.valid("json");
    const opts = { mode: body.mode, dryRun: body.dry_run, allowMassDelete: body.allow_mass_delete };
    return c.json({ run_id: await startAdminSync(ctx, c.req.valid("param").stravaId, opts) }, 202);
  });
  app.post("/athletes/:stravaId/sync/stop", validate("param", stravaIdParamsSchema), async (c) => c.json(await stopAdminSync(ctx, c.req.valid("param").stravaId)));
  app.get("/reconcile/preview", async (c) => c.json(await reconcilePreview(ctx)));
  app.post("/reconcile", async (c) => c.json(await reconcileEveryone(ctx), 202));

  app.get("/sync-runs", validate("query", syncRunsQuerySchema), async (c) => c.json({ runs: await listRuns(ctx.db, c.req.valid("query")) }));
  app.get("/sync-runs/:id", validate("param", idParamsSchema), async (c) => {
    const run = await runWithLogs(ctx.db, c.req.valid("param").id);
    if (!run) throw notFound("sync run");
    return c.json(run);
  });

  app.get("/queue", async (c) => c.json(await queueState(ctx.db)));
  app.post("/queue/jobs/:id/retry", validate("param", idParamsSchema), async (c) => {
    await retryFailedJob(ctx.db, c.req.valid("param").id);
    return c.json({ retried: true as const });
  });
  app.get("/rate-limit", async (c) => c.json(await rateLimitReport(ctx)));

  app.get("/webhook-events", validate("query", webhookEventsQuerySchema), async (c) => c.json({ events: await listWebhookEvents(ctx.db, c.req.valid("query")) }));
  app.post("/webhook-events/:id/replay", validate("param", idParamsSchema), async (c) => c.json(await replayWebhookEvent(ctx.db, c.req.valid("param").id), 202));
  return app;
}
