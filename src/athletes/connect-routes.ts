import { Hono } from "hono";
import type { AppContext } from "../context.js";
import { disconnectAthlete } from "./disconnect.js";
import { checkState, issueState } from "./oauth-state.js";
import { outcomes, respondOutcome } from "./connect-pages.js";
import { athleteOf, endAllSessions, endSession, startSession, type ViewerEnv } from "../auth/session.js";
import { connectWithCode, grantsActivities } from "./sign-in.js";

/** Connect with Strava (OAuth), sign out, and disconnect. */
export function authRoutes(ctx: AppContext): Hono<ViewerEnv> {
  const { config } = ctx;
  const app = new Hono<ViewerEnv>();

  app.get("/auth/strava/login", (c) => {
    const url = new URL(`${config.strava.oauthUrl}/authorize`);
    url.search = new URLSearchParams({
      client_id: String(config.strava.clientId),
      redirect_uri: `${config.publicUrl}/auth/strava/callback`,
      response_type: "code",
      approval_prompt: "auto",
      scope: config.strava.scopes,
      state: issueState(c, config),
    }).toString();
    return c.redirect(url.toString(), 302);
  });

  app.get("/auth/strava/callback", async (c) => {
    const q = c.req.query();
    if (q.error) {
      checkState(c, config, q.state);
      return respondOutcome(c, outcomes.denied());
    }
    const state = checkState(c, config, q.state);
    if (state !== "ok") return respondOutcome(c, outcomes.badState(`state ${state}`));
    if (!q.code) return respondOutcome(c, outcomes.badState("no authorization code"));
    if (!grantsActivities(q.scope)) return respondOutcome(c, outcomes.missingScope());
    const result = await connectWithCode(ctx, q.code, q.scope!);
    if (typeof result !== "number") return respondOutcome(c, result);
    await startSession(c, ctx, result);
    return c.redirect("/", 302);
  });

  // Signing out ends the athlete's sessions in every browser, so a copied cookie is useless too.
  app.post("/auth/logout", async (c) => {
    const athleteId = c.var.viewer?.athleteId;
    if (athleteId) await endAllSessions(ctx.db, athleteId);
    endSession(c, config);
    return c.body(null, 204);
  });

  app.post("/auth/strava/disconnect", async (c) => {
    await disconnectAthlete(ctx, athleteOf(c.var.viewer));
    endSession(c, config);
    return c.body(null, 204);
  });

  return app;
}
