import { expect } from "vitest";
import type { TestStack } from "../support/stack.js";
import { webhookUrl } from "../support/webhook-url.js";

/** Posts a Strava webhook event for the stack's stored subscription (defaults: an activity create) and checks it is accepted. */
export async function postEvent(stack: TestStack, event: Record<string, unknown>): Promise<void> {
  const [setting] = await stack.sql<{ value: string }[]>`select value from settings where key = 'strava_subscription_id'`;
  const body = { object_type: "activity", aspect_type: "create", event_time: 1_700_000_000, updates: {}, subscription_id: Number(setting!.value), ...event };
  const res = await fetch(await webhookUrl(stack.verbDb, stack.url), { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  expect(res.status).toBe(200);
}
