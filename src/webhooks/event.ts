import { z } from "zod";
import { ACTIVITY_DELETE } from "../activity/delete.js";
import { ATHLETE_DEAUTHORIZE } from "../activity/deauthorize.js";
import { ACTIVITY_SYNC, ACTIVITY_SYNC_MAX_ATTEMPTS, activityJobKey } from "../activity/sync.js";
import type { JobOptions } from "../db/jobs.js";
import { AppError } from "../http/errors.js";
import { assertStorableJson } from "../http/safe-text.js";

/** Strava ids: positive and within what a JS number holds exactly. */
const stravaId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * Values of `updates` are strings ("title", "type" or "sport_type", "private", "authorized").
 * The caps keep a hostile sender from filling the table; real events are far below them.
 */
const updates = z
  .record(z.string().min(1).max(64), z.string().max(2000))
  .refine((u) => Object.keys(u).length <= 20, "has too many keys");

export const webhookEventSchema = z.object({
  object_type: z.enum(["activity", "athlete"]),
  aspect_type: z.enum(["create", "update", "delete"]),
  object_id: stravaId,
  owner_id: stravaId,
  subscription_id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  event_time: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  updates: updates.default({}),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

/** Strava's events are a few hundred bytes; anything far larger is not one. */
export const MAX_EVENT_BYTES = 16 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses a raw POST body into an event, or throws a VALIDATION AppError naming the field: the body
 * must be UTF-8 JSON whose strings Postgres can store (no NUL, no unpaired surrogate).
 */
export function parseWebhookEvent(body: Uint8Array): WebhookEvent {
  if (body.byteLength > MAX_EVENT_BYTES) throw new AppError("VALIDATION", `event body is larger than ${MAX_EVENT_BYTES} bytes`, "body");
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(body));
  } catch {
    throw new AppError("VALIDATION", "body is not valid UTF-8 JSON", "body");
  }
  assertStorableJson(json);
  const parsed = webhookEventSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.join(".") : "body";
    throw new AppError("VALIDATION", `${field}: ${issue.message}`, field);
  }
  return parsed.data;
}

/** Same event delivered twice (Strava retries, duplicates) → same key; any real change → a new key. */
export function dedupeKey(e: WebhookEvent): string {
  return `${e.object_type}:${e.object_id}:${e.aspect_type}:${e.event_time}:${stableJson(e.updates)}`;
}

function stableJson(record: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

export interface EventJob {
  task: string;
  payload: { athleteId: number; activityId?: number };
  options: JobOptions & { jobKey: string };
}

/**
 * The job an event calls for, or null when it asks for nothing (an athlete update that is not a
 * deauthorization). Every activity event shares one job key per activity: a burst of events
 * collapses into one job, and whichever event came last decides whether it syncs or deletes.
 */
export function jobFor(event: WebhookEvent, debounceMs: number, now = Date.now()): EventJob | null {
  if (event.object_type === "athlete") {
    if (event.updates.authorized !== "false") return null;
    return {
      task: ATHLETE_DEAUTHORIZE,
      payload: { athleteId: event.object_id },
      options: { jobKey: `deauthorize:${event.object_id}`, priority: 0 },
    };
  }
  const payload = { athleteId: event.owner_id, activityId: event.object_id };
  const jobKey = activityJobKey(event.object_id);
  if (event.aspect_type === "delete") return { task: ACTIVITY_DELETE, payload, options: { jobKey, priority: 0 } };
  // A new upload is fetched at once (it is what a dashboard waits for); updates are debounced so a
  // burst of edits costs one call. Later events fold into a pending job and keep its earlier run_at.
  const delayMs = event.aspect_type === "create" ? 0 : debounceMs;
  return {
    task: ACTIVITY_SYNC,
    payload,
    options: {
      jobKey,
      jobKeyMode: "preserve_run_at",
      runAt: new Date(now + delayMs),
      priority: 0,
      maxAttempts: ACTIVITY_SYNC_MAX_ATTEMPTS,
    },
  };
}
