import type { AppContext } from "../context.js";
import { AppError } from "../http/errors.js";
import { isDatabaseDown } from "../http/handle-error.js";
import { metricsOf } from "../ops/metrics/racesync.js";
import { jobFor, parseWebhookEvent } from "./event.js";
import { GroupCommit, GroupCommitRefusal } from "./group-commit.js";
import { storeEvents, type PendingEvent, type StoreResult } from "./store.js";

/** Why an event was not stored: the label of racesync_webhook_events_dropped_total. */
export type DropReason = "invalid" | "wrong_subscription" | "queue_full" | "timed_out";

export interface ReceiverOptions {
  /** Answer 503 before Strava's 2 s delivery timeout; Strava then retries and nothing is lost. */
  ackDeadlineMs?: number;
  /** Events waiting for a commit; beyond it the receiver answers 503 at once instead of piling up memory. */
  maxQueued?: number;
}

export interface Receiver {
  /**
   * Parses a raw body (VALIDATION AppError when malformed) and resolves once the event is durably
   * stored, known as a duplicate, or dropped as another subscription's; throws AppError otherwise.
   */
  receive(body: Uint8Array): Promise<StoreResult>;
}

/** The durable half of POST /webhooks/strava/:secret, with concurrent requests grouped into shared commits. */
export function createReceiver(ctx: AppContext, opts: ReceiverOptions = {}): Receiver {
  const dropped = metricsOf(ctx).webhookEventsDropped;
  const batcher = new GroupCommit<PendingEvent, StoreResult>(storeWarningOnce(ctx), {
    maxBatch: 200,
    maxInFlight: 1,
    maxQueued: opts.maxQueued ?? 2000,
    lingerMs: 2,
    deadlineMs: opts.ackDeadlineMs ?? 1500,
    isolate: (err) => !isDatabaseDown(err),
  });
  const drop = (reason: DropReason) => dropped.inc({ reason });
  return {
    async receive(body) {
      const event = counted(() => parseWebhookEvent(body), () => drop("invalid"));
      const result = await batcher.submit({ event, job: jobFor(event, ctx.config.activitySyncDebounceMs) }).catch((err: unknown) => {
        if (!(err instanceof GroupCommitRefusal)) throw err;
        drop(err.reason);
        throw new AppError("DATABASE_UNAVAILABLE", `the event could not be stored in time (${err.message}), retry later`);
      });
      if (result.kind === "wrong_subscription") drop("wrong_subscription");
      return result;
    },
  };
}

function counted<T>(parse: () => T, onError: () => void): T {
  try {
    return parse();
  } catch (err) {
    onError();
    throw err;
  }
}

function storeWarningOnce(ctx: AppContext) {
  let warnedNoSubscription = false;
  return async (pending: PendingEvent[]) => {
    const { results, expectedSubscription } = await storeEvents(ctx.db, pending);
    if (expectedSubscription === null && !warnedNoSubscription) {
      warnedNoSubscription = true;
      ctx.log.warn("no strava_subscription_id stored in settings: accepting webhook events from any subscription");
    }
    return results;
  };
}
