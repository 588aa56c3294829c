import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hono } from "hono";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { activityEvent, counts, postEvent, receiverApp, RECEIVER_ENV, storeSubscriptionId, SUBSCRIPTION_ID } from "./helpers.js";

const isEmptyRecord = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0;

/** 200 bodies that are not a Strava event, each a different way. */
function hostileBodies(): unknown[] {
  const valid = activityEvent();
  const fields = Object.keys(valid);
  const junkValues: unknown[] = [null, "", "1", -1, 0, 1.5, true, [], {}, [1], { a: { b: { c: [] } } }, "x".repeat(100_000), Number.MAX_SAFE_INTEGER + 2, 1e308];
  const bodies: unknown[] = ["", "{", "not json", "[]", "null", "42", '"string"', "[{}]", "{\"a\":", "\u0000\u0001"];
  for (const field of fields) {
    const { [field]: _dropped, ...missing } = valid;
    if (field !== "updates") bodies.push(missing);
    for (const junk of junkValues) if (!(field === "updates" && isEmptyRecord(junk))) bodies.push({ ...valid, [field]: junk });
  }
  bodies.push(
    { ...valid, object_type: "segment" },
    { ...valid, aspect_type: "upsert" },
    { ...valid, updates: { title: 5 } },
    { ...valid, updates: { title: { nested: "junk" } } },
    { ...valid, updates: { title: "x".repeat(5000) } },
    { ...valid, updates: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"])) },
    { ...valid, updates: { ["k".repeat(500)]: "v" } },
    { ...valid, junk: "y".repeat(20_000) },
  );
  while (bodies.length < 200) bodies.push({ ...valid, object_id: -bodies.length });
  return bodies.slice(0, 200);
}

describe("webhook receiver under hostile input", () => {
  let db: TestDatabase;
  let app: Hono;
  beforeAll(async () => {
    db = await createTestDatabase();
    const { ctx, verbDb } = db.context({ env: RECEIVER_ENV });
    app = await receiverApp(ctx);
    await db.sql`insert into athletes (strava_id) values (1000)`;
    await storeSubscriptionId(verbDb, SUBSCRIPTION_ID);
  });
  afterAll(() => db.destroy());

  it("answers 200 malformed, mistyped and oversized bodies with a 400 naming the field and writes nothing", async () => {
    const before = await counts(db.sql);
    const bodies = hostileBodies();
    expect(bodies).toHaveLength(200);
    for (const body of bodies) {
      const res = await postEvent(app, body);
      const label = JSON.stringify(body).slice(0, 80);
      expect(res.status, label).toBeGreaterThanOrEqual(400);
      expect(res.status, label).toBeLessThan(500);
      const error = (await res.json()).error;
      expect(error.code, label).toBe("VALIDATION");
      expect(error.field, label).toEqual(expect.any(String));
    }
    expect(await counts(db.sql)).toEqual(before);
  });

  it("still accepts a well-formed event afterwards (unknown extra keys are tolerated)", async () => {
    const before = await counts(db.sql);
    const res = await postEvent(app, { ...activityEvent(), extra: "tolerated" });
    expect(res.status).toBe(200);
    expect(await counts(db.sql)).toEqual({ events: before.events + 1, jobs: before.jobs + 1 });
  });
});
