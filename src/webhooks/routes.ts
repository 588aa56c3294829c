import { Hono } from "hono";
import type { AppContext } from "../context.js";
import { safeEqual } from "../auth/signing.js";
import { AppError } from "../http/errors.js";
import { webhookCredentials } from "./credentials.js";
import { createReceiver, type ReceiverOptions } from "./receiver.js";

/**
 * Strava's push endpoint, at a path whose last segment is the stored secret: GET validates the
 * subscription, POST delivers an event. A wrong secret gets the app's own 404, like any unknown path.
 */
export function webhookRoutes(ctx: AppContext, opts: ReceiverOptions = {}): Hono {
  const app = new Hono();
  const credentials = webhookCredentials(ctx);
  const receiver = createReceiver(ctx, opts);

  app.get("/webhooks/strava/:secret", async (c) => {
    if (!(await credentials.secretMatches(c.req.param("secret")))) return c.notFound();
    const challenge = answerChallenge(await credentials.verifyToken(), c.req.query());
    return c.json({ "hub.challenge": challenge });
  });

  app.post("/webhooks/strava/:secret", async (c) => {
    if (!(await credentials.secretMatches(c.req.param("secret")))) return c.notFound();
    const result = await receiver.receive(new Uint8Array(await c.req.arrayBuffer()));
    // Another subscription's event is dropped but answered like ours: the sender learns nothing.
    return c.json({ ok: true, duplicate: result.kind === "duplicate" });
  });
  return app;
}

export interface ChallengeQuery {
  "hub.mode"?: string;
  "hub.verify_token"?: string;
  "hub.challenge"?: string;
}

/**
 * Strava's subscription validation: echo `hub.challenge` when the verify token is ours.
 * Returns the challenge to echo; throws VALIDATION (missing parameters) or FORBIDDEN (wrong token).
 */
export function answerChallenge(verifyToken: string, query: ChallengeQuery): string {
  const mode = query["hub.mode"];
  const token = query["hub.verify_token"];
  const challenge = query["hub.challenge"];
  if (mode !== "subscribe") throw new AppError("VALIDATION", "hub.mode must be \"subscribe\"", "hub.mode");
  if (!challenge) throw new AppError("VALIDATION", "hub.challenge is required", "hub.challenge");
  if (token === undefined) throw new AppError("VALIDATION", "hub.verify_token is required", "hub.verify_token");
  if (!safeEqual(token, verifyToken)) throw new AppError("FORBIDDEN", "hub.verify_token does not match");
  return challenge;
}
