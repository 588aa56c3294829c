/**
 * Strava simulator: the one fake of racesync, faithful to Strava's documented API (OAuth, activities, the club feed,
 * rate limits, push subscriptions and webhook delivery).
 *
 *   const sim = createSimulator({ windowSeconds: 2, webhookRetryDelayMs: 20 });
 *   const { url, close } = await sim.listen(0);        // STRAVA_API_URL = `${url}/api/v3`, STRAVA_OAUTH_URL = `${url}/oauth`
 *   const athlete = sim.seedAthlete(); sim.seedHistory(athlete.id, { count: 50, raceShare: 0.3 });
 *   const { access_token } = sim.issueTokens(athlete.id);   // or drive GET /oauth/authorize
 *   sim.updateActivity(id, { name: "x" }); await sim.deliveries.idle();
 *
 * The same controls are served as JSON under /_sim (see control-http.ts).
 */
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { closeServer, listen } from "../http/listen.js";
import { activityRoutes } from "./activities.js";
import { ApiFaults, lateAnswerMiddleware, latencyMiddleware, serverErrorMiddleware } from "./api-faults.js";
import type { OAuthControls, SimContext } from "./context.js";
import * as control from "./control.js";
import { emit } from "./events.js";
import { controlRoutes } from "./control-http.js";
import { Counters, countingMiddleware, type RequestListener, type RequestRecord } from "./counters.js";
import { createFaultControls, type FaultControls } from "./fault-controls.js";
import { oauthRoutes } from "./oauth.js";
import { createRandom } from "./random.js";
import { DEFAULT_LIMITS, RateLimiter, rateLimitMiddleware, type Limits, type Usage } from "./rate-limit.js";
import type { HistoryOptions } from "./seed.js";
import type { LimitSettings, Simulator, SimulatorOptions } from "./simulator-types.js";
import { Store, type SimActivity, type SimActivityInput, type SimAthlete } from "./store.js";
import { SubscriptionState, type PushSubscription } from "./subscription-state.js";
import { subscriptionRoutes } from "./subscriptions.js";
import { TokenStore, type RefreshStats, type TokenPair } from "./tokens.js";
import { WebhookDispatcher, type DeliveryRecord, type WebhookEvent } from "./webhooks.js";

export type { SimActivity, SimActivityInput, SimAthlete, HistoryOptions, PushSubscription, WebhookEvent, DeliveryRecord, Limits, Usage, TokenPair, RefreshStats, FaultControls, OAuthControls };
export type { LimitSettings, Simulator, SimulatorOptions, RequestListener, RequestRecord };
export type { ActivityPatch, SeedAthleteInput } from "./control.js";
export type { FaultSettings } from "./fault-controls.js";
export { isRace } from "./store.js";

export function createSimulator(opts: SimulatorOptions = {}): Simulator {
  const ctx = createContext(opts);
  const sim: Simulator = {
    app: new Hono(),
    clientId: ctx.clientId,
    clientSecret: ctx.clientSecret,
    clubId: ctx.clubId,
    listen: (port, host) => listenOn(sim.app, port, host),
    seedAthlete: (a) => control.seedAthlete(ctx, a),
    athlete: (id) => ({ ...ctx.store.athlete(id) }),
    seedHistory: (id, o) => control.seedHistory(ctx, id, o),
    createActivity: (id, a) => control.createActivity(ctx, id, a),
    updateActivity: (id, patch) => control.updateActivity(ctx, id, patch),
    deleteActivity: (id) => control.deleteActivity(ctx, id),
    setClubMember: (id, member) => control.setClubMember(ctx, id, member),
    deauthorizeAthlete: (id) => control.deauthorize(ctx, id, true),
    sendEvent: (e) => emit(ctx, e),
    issueTokens: (id, scopes) => control.issueTokens(ctx, id, scopes),
    expireAccessTokens: (id) => ctx.tokens.expireAccessTokens(id),
    advanceTime: (seconds) => ctx.store.advanceTime(seconds),
    now: () => ctx.store.now(),
    activitiesOf: (id) => control.activitiesOf(ctx, id),
    racesOf: (id) => control.racesOf(ctx, id),
    oauth: ctx.oauth,
    faults: createFaultControls(ctx.webhooks, ctx.apiFaults),
    counters: ctx.counters,
    onRequest: (listener) => ctx.counters.onRequest(listener),
    deliveries: {
      idle: () => ctx.webhooks.idle(),
      log: ctx.webhooks.log,
      dropped: ctx.webhooks.dropped,
      flush: () => ctx.webhooks.flush(),
    },
    setLimits: (limits) => setLimits(ctx.limiter, limits),
    rateLimitUsage: () => ctx.limiter.usage(),
    setTokenRotation: (on) => void (ctx.tokens.rotation = on),
    refreshStats: () => ({ ...ctx.tokens.refreshStats }),
    setDeauthorizeEmitsEvent: (on) => void (ctx.deauthorizeEmitsEvent = on),
    subscription: () => ctx.subscriptions.current,
  };
  mountRoutes(sim.app, ctx, sim);
  return sim;
}

function createContext(opts: SimulatorOptions): SimContext {
  const store = new Store();
  const random = createRandom(opts.seed ?? 42);
  const counters = new Counters();
  return {
    clientId: opts.clientId ?? 4242,
    clientSecret: opts.clientSecret ?? "sim-client-secret",
    clubId: opts.clubId ?? 4242,
    deauthorizeEmitsEvent: opts.deauthorizeEmitsEvent ?? true,
    store,
    random,
    counters,
    tokens: new TokenStore(store, opts.tokenRotation ?? true, opts.accessTokenSeconds),
    limiter: new RateLimiter(store, { ...DEFAULT_LIMITS, ...opts.limits }, opts.windowSeconds ?? 900, opts.daySeconds ?? 86400),
    webhooks: new WebhookDispatcher(random, opts.webhookRetryDelayMs ?? 1000),
    subscriptions: new SubscriptionState(),
    apiFaults: new ApiFaults(random),
    oauth: { nextAthleteId: null, deny: false, acceptedScopes: null },
  };
}

function mountRoutes(app: Hono, ctx: SimContext, sim: Simulator): void {
  const now = () => ctx.store.nowMs();
  app.use("/oauth/*", countingMiddleware(ctx.counters, now));
  app.use("/api/v3/*", countingMiddleware(ctx.counters, now));
  app.route("/oauth", oauthRoutes(ctx));
  app.route("/api/v3/oauth", oauthRoutes(ctx)); // Strava's own curl example posts tokens here

  const api = new Hono();
  api.use("*", latencyMiddleware(ctx.apiFaults));
  // Push-subscription calls carry the headers but were recorded at usage 0,0: they do not count.
  const counts = (_method: string, path: string) => !path.includes("/push_subscriptions");
  api.use("*", rateLimitMiddleware(ctx.limiter, () => ctx.counters.countRateLimited(), counts));
  for (const path of ["/athlete", "/athlete/*", "/activities/*"]) api.use(path, serverErrorMiddleware(ctx.apiFaults));
  api.use("/activities/*", lateAnswerMiddleware(ctx.apiFaults));
  api.route("/", subscriptionRoutes(ctx));
  api.route("/", activityRoutes(ctx));
  api.notFound((c) => c.json({ message: "Resource Not Found", errors: [{ resource: "Application", field: "", code: "not found" }] }, 404));
  app.route("/api/v3", api);
  app.route("/_sim", controlRoutes(sim));
}

function setLimits(limiter: RateLimiter, next: Partial<LimitSettings>): LimitSettings {
  const { windowSeconds, daySeconds, ...limits } = next;
  limiter.limits = { ...limiter.limits, ...limits };
  if (windowSeconds !== undefined) limiter.windowSeconds = windowSeconds;
  if (daySeconds !== undefined) limiter.daySeconds = daySeconds;
  return { ...limiter.limits, windowSeconds: limiter.windowSeconds, daySeconds: limiter.daySeconds };
}

async function listenOn(app: Hono, port = 0, host = "127.0.0.1"): Promise<{ url: string; close(): Promise<void> }> {
  const server = await listen(app.fetch, port, host);
  const { port: actual } = server.address() as AddressInfo;
  return { url: `http://${host}:${actual}`, close: () => closeServer(server) };
}
