import type { AppContext } from "../context.js";
import { AppError } from "../http/errors.js";
import type { WebhookEvent } from "./event.js";
import { GroupCommit } from "./group-commit.js";
import { jobFor } from "./routing.js";
import { storeEvents, type PendingEvent, type StoreResult } from "./store-events.js";

/** Answer 503 before Strava's 2 s delivery timeout; Strava then retries and nothing is lost. */
const ACK_DEADLINE_MS = 1500;

export interface Receiver {
  /** Resolves once the event is durably stored (or known as a duplicate); throws AppError otherwise. */
  receive(event: WebhookEvent): Promise<StoreResult>;
}

/** The durable half of POST /webhooks/strava, with concurrent requests grouped into shared commits. */
export function createReceiver(ctx: AppContext): Receiver {
  let warnedNoSubscription = false;
  const batcher = new GroupCommit<PendingEvent, StoreResult>(
    async (pending) => {
      const { results, expectedSubscription } = await storeEvents(ctx.sql, pending);
      if (expectedSubscription === null && !warnedNoSubscription) {
        warnedNoSubscription = true;
        ctx.log.warn("no strava_subscription_id stored in settings: accepting webhook events from any subscription");
      }
      return results;
    },
    { maxBatch: 200, maxInFlight: 1, lingerMs: 2 },
  );
  return {
    async receive(event) {
      const job = jobFor(event, ctx.config.activitySyncDebounceMs);
      const result = await withDeadline(batcher.submit({ event, job }), ACK_DEADLINE_MS);
      if (result.kind === "wrong_subscription") {
        throw new AppError("FORBIDDEN", `subscription_id ${event.subscription_id} is not this service's subscription`);
      }
      return result;
    },
  };
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError("DATABASE_UNAVAILABLE", "the event could not be stored in time, retry later")), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
