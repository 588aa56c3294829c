import { z } from "zod";
import type { RouteSpec } from "../contract/api.js";
import { webhookEventSchema } from "./event.js";

/** The unguessable segment of the callback URL (see README: "The Strava push subscription"). */
const secretParamsSchema = z.object({ secret: z.string() });

const challengeQuerySchema = z.object({
  "hub.mode": z.literal("subscribe"),
  "hub.verify_token": z.string(),
  "hub.challenge": z.string(),
});

/**
 * Strava's side of the contract. The receiver parses by hand (routes.ts, event.ts: its fast path
 * reads the raw body once), so these schemas document it rather than run as middleware.
 */
export const webhookRouteSpecs = {
  "GET /webhooks/strava/:secret": {
    summary: "Strava's subscription check: echoes hub.challenge when hub.verify_token is ours (else 403); a wrong secret is 404",
    who: "Strava",
    params: secretParamsSchema,
    query: challengeQuerySchema,
    response: z.object({ "hub.challenge": z.string() }),
    errors: [403, 404],
    parsedByHand: true,
  },
  "POST /webhooks/strava/:secret": {
    summary: "A Strava event: 200 once stored with its job (a duplicate or a foreign subscription is a no-op); bad body → 400, nothing stored; a wrong secret is 404",
    who: "Strava",
    params: secretParamsSchema,
    body: webhookEventSchema,
    response: z.object({ ok: z.literal(true), duplicate: z.boolean() }),
    errors: [404, 503],
    parsedByHand: true,
  },
} as const satisfies Record<string, RouteSpec>;
