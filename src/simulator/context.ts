import type { Random } from "./random.js";
import type { RateLimiter } from "./rate-limit.js";
import type { Store } from "./store.js";
import type { TokenStore } from "./tokens.js";
import type { WebhookDispatcher } from "./webhooks.js";
import type { SubscriptionState } from "./subscription-state.js";
import type { Counters } from "./counters.js";
import type { ApiFaults } from "./api-faults.js";

export interface OAuthControls {
  /** Athlete the next /oauth/authorize approves as (consumed by one authorize). */
  nextAthleteId: number | null;
  /** Deny every authorize with error=access_denied while set. */
  deny: boolean;
  /** Scopes the "user" accepts, overriding what the app asked for (user unticked boxes). */
  acceptedScopes: string | null;
}

/** Everything a route or a control verb needs; built once by createSimulator. */
export interface SimContext {
  clientId: number;
  clientSecret: string;
  /** Id of the simulated Strava's one club (GET /clubs/:id/activities). */
  clubId: number;
  deauthorizeEmitsEvent: boolean;
  store: Store;
  tokens: TokenStore;
  random: Random;
  limiter: RateLimiter;
  webhooks: WebhookDispatcher;
  subscriptions: SubscriptionState;
  counters: Counters;
  apiFaults: ApiFaults;
  oauth: OAuthControls;
}
