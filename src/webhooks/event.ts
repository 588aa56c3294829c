import { z } from "zod";
import { AppError } from "../http/errors.js";

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

/** Parses a raw POST body into an event, or throws a VALIDATION AppError naming the field. */
export function parseWebhookEvent(body: string): WebhookEvent {
  if (body.length > MAX_EVENT_BYTES) throw new AppError("VALIDATION", `event body is larger than ${MAX_EVENT_BYTES} bytes`, "body");
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new AppError("VALIDATION", "body is not valid JSON", "body");
  }
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
