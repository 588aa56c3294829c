import { Hono, type Context } from "hono";
import type { SimContext } from "./context.js";
import { faults, type Fault } from "./faults-body.js";
import { faultResponse, form, isClient } from "./http.js";
import { randomHex } from "./random.js";

/** /api/v3/push_subscriptions: authenticated with client_id + client_secret, params form-encoded. */
export function subscriptionRoutes(ctx: SimContext): Hono {
  const app = new Hono();
  app.post("/push_subscriptions", async (c) => createSubscription(c, ctx, { ...c.req.query(), ...(await form(c)) }));
  app.get("/push_subscriptions", (c) => {
    const q = c.req.query();
    if (!isClient(ctx, q.client_id, q.client_secret)) return faultResponse(c, 401, faults.invalidApplication());
    return c.json(ctx.subscriptions.current ? [ctx.subscriptions.current] : []);
  });
  app.delete("/push_subscriptions/:id", async (c) => {
    const params = { ...c.req.query(), ...(await form(c)) };
    if (!isClient(ctx, params.client_id, params.client_secret)) return faultResponse(c, 401, faults.invalidApplication());
    if (ctx.subscriptions.current?.id !== Number(c.req.param("id"))) return faultResponse(c, 404, faults.subscriptionNotFound());
    ctx.subscriptions.current = null;
    return c.body(null, 204);
  });
  return app;
}

async function createSubscription(c: Context, ctx: SimContext, params: Record<string, string>): Promise<Response> {
  if (!isClient(ctx, params.client_id, params.client_secret)) return faultResponse(c, 401, faults.invalidApplication());
  if (ctx.subscriptions.current) return faultResponse(c, 400, faults.subscriptionExists());
  const callbackUrl = params.callback_url;
  if (!callbackUrl || callbackUrl.length > 255 || !URL.canParse(callbackUrl)) return faultResponse(c, 400, faults.notVerifiable());
  const failure = await validateCallback(callbackUrl, params.verify_token ?? "", ctx.subscriptions.validationTimeoutMs);
  if (failure) return faultResponse(c, 400, failure);
  return c.json(ctx.subscriptions.create(ctx.clientId, callbackUrl), 201);
}

/** Strava's synchronous GET challenge: 200 within 2 s, JSON body echoing `hub.challenge`. */
async function validateCallback(callbackUrl: string, verifyToken: string, timeoutMs: number): Promise<Fault | null> {
  const challenge = randomHex(16);
  const url = new URL(callbackUrl);
  url.searchParams.set("hub.verify_token", verifyToken);
  url.searchParams.set("hub.challenge", challenge);
  url.searchParams.set("hub.mode", "subscribe");
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200) {
      await res.body?.cancel();
      return faults.callbackNot200();
    }
    const body = (await res.json()) as Record<string, unknown>;
    return body?.["hub.challenge"] === challenge ? null : faults.notVerifiable();
  } catch {
    return faults.notVerifiable(); // timeout, refused connection, or a body that is not JSON
  }
}
