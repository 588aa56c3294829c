import { Hono } from "hono";
import type { AppContext } from "../context.js";
import type { AppEnv } from "../http/app.js";
import { answerChallenge } from "./challenge.js";
import { parseWebhookEvent } from "./event.js";
import { createReceiver } from "./receiver.js";

/** Strava's push endpoint: GET validates the subscription, POST delivers an event. */
export function webhookRoutes(ctx: AppContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const receiver = createReceiver(ctx);

  app.get("/webhooks/strava", (c) => {
    const challenge = answerChallenge(ctx.config.strava.verifyToken, c.req.query());
    return c.json({ "hub.challenge": challenge });
  });

  app.post("/webhooks/strava", async (c) => {
    const event = parseWebhookEvent(await c.req.text());
    const result = await receiver.receive(event);
    return c.json({ ok: true, duplicate: result.kind === "duplicate" });
  });
  return app;
}
