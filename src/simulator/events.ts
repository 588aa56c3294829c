import type { SimContext } from "./context.js";
import type { SimActivity } from "./store.js";
import type { WebhookEvent } from "./webhooks.js";

type Aspect = WebhookEvent["aspect_type"];

/** Sends one event to the subscription, if there is one (also a test's forged or late event). */
export function emit(ctx: SimContext, e: Omit<WebhookEvent, "subscription_id" | "event_time">): void {
  const subscription = ctx.subscriptions.current;
  if (!subscription) return;
  ctx.webhooks.send(subscription.callback_url, { ...e, event_time: ctx.store.now(), subscription_id: subscription.id });
}

/**
 * Activity events go only to apps the athlete authorized with activity:read; without read_all
 * the app never hears of Only-Me activities (so going private looks like a delete to it).
 */
function appAccess(ctx: SimContext, athleteId: number): "none" | "read" | "read_all" {
  const scopes = ctx.tokens.grantedScopes(athleteId);
  if (!scopes) return "none";
  if (scopes.includes("activity:read_all")) return "read_all";
  return scopes.includes("activity:read") ? "read" : "none";
}

function emitActivity(ctx: SimContext, aspect: Aspect, a: SimActivity, updates: Record<string, string> = {}): void {
  emit(ctx, { aspect_type: aspect, object_id: a.id, object_type: "activity", owner_id: a.athlete_id, updates });
}

export function emitActivityCreated(ctx: SimContext, a: SimActivity): void {
  const access = appAccess(ctx, a.athlete_id);
  if (access === "none" || (access === "read" && a.private)) return;
  emitActivity(ctx, "create", a);
}

export function emitActivityDeleted(ctx: SimContext, a: SimActivity): void {
  const access = appAccess(ctx, a.athlete_id);
  if (access === "none" || (access === "read" && a.private)) return;
  emitActivity(ctx, "delete", a);
}

/** Only title, type and privacy changes are events; workout_type and the rest are silent. */
export function emitActivityUpdated(ctx: SimContext, before: SimActivity, after: SimActivity): void {
  const access = appAccess(ctx, after.athlete_id);
  if (access === "none") return;
  const privacyChanged = before.private !== after.private;
  if (access === "read" && privacyChanged) {
    emitActivity(ctx, after.private ? "delete" : "create", after);
    return;
  }
  if (access === "read" && after.private) return;
  const updates: Record<string, string> = {};
  if (before.name !== after.name) updates.title = after.name;
  if (before.sport_type !== after.sport_type) updates.type = after.sport_type;
  if (privacyChanged) updates.private = String(after.private);
  if (Object.keys(updates).length > 0) emitActivity(ctx, "update", after, updates);
}

export function emitAthleteDeauthorized(ctx: SimContext, athleteId: number): void {
  emit(ctx, { aspect_type: "update", object_id: athleteId, object_type: "athlete", owner_id: athleteId, updates: { authorized: "false" } });
}
