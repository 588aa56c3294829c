import { Hono, type Context } from "hono";
import type { SimContext } from "./context.js";
import { faultResponse, form, isClient } from "./http.js";
import { faults } from "./faults-body.js";
import { athleteJson } from "./serialize.js";
import { parseScopes } from "./tokens.js";
import { deauthorize, ensureAthleteForAuthorize } from "./control.js";

/** Routes under /oauth: authorize (auto-approves), token, deauthorize. No rate-limit accounting. */
export function oauthRoutes(ctx: SimContext): Hono {
  const app = new Hono();
  app.get("/authorize", (c) => authorize(c, ctx));
  app.post("/token", async (c) => token(c, ctx, { ...c.req.query(), ...(await form(c)) }));
  app.post("/deauthorize", async (c) => deauthorizeRoute(c, ctx, await form(c)));
  return app;
}

function authorize(c: Context, ctx: SimContext): Response {
  const q = c.req.query();
  if (String(q.client_id) !== String(ctx.clientId)) return faultResponse(c, 400, faults.badClient());
  if (!q.redirect_uri) return faultResponse(c, 400, { message: "Bad Request", errors: [{ resource: "Application", field: "redirect_uri", code: "invalid" }] });
  const redirect = new URL(q.redirect_uri);
  if (q.state !== undefined) redirect.searchParams.set("state", q.state);
  if (ctx.oauth.deny) {
    redirect.searchParams.set("error", "access_denied");
    return c.redirect(redirect.toString(), 302);
  }
  const athlete = ensureAthleteForAuthorize(ctx, q.athlete_id ? Number(q.athlete_id) : undefined);
  const scopes = acceptedScopes(ctx, q.scope ?? "read", athlete.scopes);
  redirect.searchParams.set("code", ctx.tokens.createCode(athlete.id, scopes));
  redirect.searchParams.set("scope", scopes.join(","));
  return c.redirect(redirect.toString(), 302);
}

/** What the user ticks: the control override, else what was asked limited to what the athlete allows. */
function acceptedScopes(ctx: SimContext, requested: string, athleteAllows: string | undefined): string[] {
  if (ctx.oauth.acceptedScopes !== null) return parseScopes(ctx.oauth.acceptedScopes);
  const asked = parseScopes(requested);
  if (athleteAllows === undefined) return asked;
  const allowed = new Set(parseScopes(athleteAllows));
  return asked.filter((s) => allowed.has(s));
}

function token(c: Context, ctx: SimContext, body: Record<string, string>): Response {
  if (!isClient(ctx, body.client_id, body.client_secret)) return faultResponse(c, 400, faults.badClient());
  if (body.grant_type === "authorization_code") {
    const issued = body.code ? ctx.tokens.redeemCode(body.code) : null;
    if (!issued) return faultResponse(c, 400, faults.badCode());
    const { athleteId, ...pair } = issued;
    return c.json({ token_type: "Bearer", ...pair, athlete: athleteJson(ctx.store.athlete(athleteId)) });
  }
  if (body.grant_type === "refresh_token") {
    const pair = body.refresh_token ? ctx.tokens.refreshWith(body.refresh_token) : null;
    if (!pair) return faultResponse(c, 400, faults.badRefreshToken());
    return c.json({ token_type: "Bearer", ...pair });
  }
  return faultResponse(c, 400, faults.badGrantType());
}

function deauthorizeRoute(c: Context, ctx: SimContext, body: Record<string, string>): Response {
  const accessToken = bearerOf(c) ?? body.access_token ?? c.req.query("access_token");
  const valid = ctx.tokens.validate(accessToken);
  if (!valid) return faultResponse(c, 401, faults.invalidToken());
  deauthorize(ctx, valid.athleteId, ctx.deauthorizeEmitsEvent);
  return c.json({ access_token: valid.token });
}

export function bearerOf(c: Context): string | undefined {
  const header = c.req.header("authorization");
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim();
}

/** Form (or JSON, which some clients send) body as a flat string map. */
