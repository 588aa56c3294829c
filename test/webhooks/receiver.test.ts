import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Hono } from "hono";
import type { AppContext } from "../../src/context.js";
import type { VerbDb } from "../support/context.js";
import { droppedCount } from "../support/metrics.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { activityEvent, counts, postEvent, receiverApp, RECEIVER_ENV, storeSubscriptionId, SUBSCRIPTION_ID, VERIFY_TOKEN, WEBHOOK_PATH } from "./helpers.js";

const ATHLETE = 1000;
const BLOCKED = 1001;

interface JobRow { task_identifier: string; key: string | null; priority: number; run_at: Date; payload: Record<string, number> }

describe("webhook receiver", () => {
  let db: TestDatabase;
  let ctx: AppContext;
  let verbDb: VerbDb;
  let app: Hono;
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ ctx, verbDb } = db.context({ env: RECEIVER_ENV }));
    app = await receiverApp(ctx);
    await db.sql`insert into athletes (strava_id) values (${ATHLETE})`;
    await db.sql`insert into athletes (strava_id, is_blocked) values (${BLOCKED}, true)`;
    await storeSubscriptionId(verbDb, SUBSCRIPTION_ID);
  });
  afterAll(() => db.destroy());
  beforeEach(async () => {
    await db.sql`delete from webhook_events`;
    await db.sql`delete from graphile_worker._private_jobs`;
  });

  const jobs = () => db.sql<JobRow[]>`select j.task_identifier, j.key, j.priority, j.run_at, p.payload::jsonb as payload from graphile_worker.jobs j join graphile_worker._private_jobs p using (id) order by j.id`;
  const events = () => db.sql<Array<{ outcome: string; job_key: string | null; processed_at: Date | null }>>`select outcome, job_key, processed_at from webhook_events order by id`;

  it("echoes the hub.challenge of a validation request carrying our verify token", async () => {
    const res = await app.request(`${WEBHOOK_PATH}?hub.mode=subscribe&hub.challenge=abc123&hub.verify_token=${VERIFY_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual({ "hub.challenge": "abc123" });
  });

  it("refuses a validation request with a wrong verify token (403) or missing parameters (400)", async () => {
    const wrong = await app.request(`${WEBHOOK_PATH}?hub.mode=subscribe&hub.challenge=abc&hub.verify_token=nope`);
    expect(wrong.status).toBe(403);
    for (const query of ["", "?hub.mode=subscribe&hub.verify_token=x", `?hub.challenge=a&hub.verify_token=${VERIFY_TOKEN}`, "?hub.mode=subscribe&hub.challenge=a"]) {
      const res = await app.request(`${WEBHOOK_PATH}${query}`);
      expect(res.status, query).toBe(400);
      expect((await res.json()).error.code).toBe("VALIDATION");
    }
  });

  it("stores an activity update and queues one debounced, high-priority activity-sync under the activity's key", async () => {
    const before = Date.now();
    const res = await postEvent(app, activityEvent({ object_id: 42, updates: { sport_type: "Run" } }));
    expect(res.status).toBe(200);
    expect(await events()).toMatchObject([{ outcome: "queued", job_key: "activity:42", processed_at: null }]);
    const [job] = await jobs();
    expect(job).toMatchObject({ task_identifier: "activity-sync", key: "activity:42", priority: 0, payload: { athleteId: ATHLETE, activityId: 42 } });
    expect(job!.run_at.getTime()).toBeGreaterThanOrEqual(before + ctx.config.activitySyncDebounceMs - 50);
  });

  it("acknowledges a redelivered event without storing or queueing it again", async () => {
    const event = activityEvent();
    const responses = await Promise.all([postEvent(app, event), postEvent(app, event), postEvent(app, event)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await postEvent(app, { ...event, updates: { title: "Morning race" } }).then((r) => r.json())).toEqual({ ok: true, duplicate: true });
    expect(await counts(db.sql)).toEqual({ events: 1, jobs: 1 });
  });

  it("folds a burst of events about one activity into a single job", async () => {
    for (let i = 0; i < 5; i++) expect((await postEvent(app, activityEvent({ object_id: 77, updates: { title: `take ${i}` } }))).status).toBe(200);
    expect(await counts(db.sql)).toEqual({ events: 5, jobs: 1 });
  });

  it("routes deletes to activity-delete and deauthorizations to athlete-deauthorize", async () => {
    await postEvent(app, activityEvent({ aspect_type: "delete", object_id: 43, updates: {} }));
    await postEvent(app, activityEvent({ object_type: "athlete", object_id: ATHLETE, updates: { authorized: "false" } }));
    expect((await jobs()).map((j) => [j.task_identifier, j.key])).toEqual([["activity-delete", "activity:43"], ["athlete-deauthorize", `deauthorize:${ATHLETE}`]]);
  });

  it("records events of unknown, deauthorized and blocked athletes as ignored, with no job", async () => {
    await db.sql`insert into athletes (strava_id, status) values (1002, 'deauthorized')`;
    for (const owner of [999_999, 1002, BLOCKED]) expect((await postEvent(app, activityEvent({ owner_id: owner }))).status).toBe(200);
    const outcomes = (await events()).map((e) => e.outcome);
    expect(outcomes).toEqual(["ignored_unknown_athlete", "ignored_unknown_athlete", "ignored_blocked"]);
    expect((await events()).every((e) => e.processed_at !== null && e.job_key === null)).toBe(true);
    expect(await counts(db.sql)).toEqual({ events: 3, jobs: 0 });
  });

  it("answers an event of another subscription exactly like ours, and drops it", async () => {
    const dropped = () => droppedCount(ctx, "wrong_subscription");
    const before = await dropped();
    const ours = await postEvent(app, activityEvent({ object_id: 501 }));
    const theirs = await postEvent(app, activityEvent({ object_id: 502, subscription_id: SUBSCRIPTION_ID + 1 }));
    expect([theirs.status, await theirs.json()]).toEqual([ours.status, await ours.json()]);
    expect(ours.status).toBe(200);
    expect(await counts(db.sql)).toEqual({ events: 1, jobs: 1 });
    expect(await db.sql`select 1 from webhook_events where object_id = 502`).toHaveLength(0);
    expect(await dropped()).toBe(before + 1);
  });

  it("answers 404, like any unknown path, to the old callback path and to a wrong secret; stores nothing", async () => {
    for (const path of ["/webhooks/strava", "/webhooks/strava/", `/webhooks/strava/${"x".repeat(43)}`, `${WEBHOOK_PATH}x`, `${WEBHOOK_PATH}/more`]) {
      const post = await postEvent(app, activityEvent(), path);
      expect(post.status, path).toBe(404);
      const challenge = await app.request(`${path}?hub.mode=subscribe&hub.challenge=abc&hub.verify_token=${VERIFY_TOKEN}`);
      expect(challenge.status, path).toBe(404);
    }
    expect(await counts(db.sql)).toEqual({ events: 0, jobs: 0 });
  });

  it("accepts any subscription while none is stored", async () => {
    await db.sql`delete from settings`;
    try {
      expect((await postEvent(app, activityEvent({ subscription_id: 5 }))).status).toBe(200);
      expect(await counts(db.sql)).toEqual({ events: 1, jobs: 1 });
    } finally {
      await storeSubscriptionId(verbDb, SUBSCRIPTION_ID);
    }
  });

  it("stores every one of many concurrent events and queues a job for each activity", async () => {
    const burst = Array.from({ length: 150 }, (_, i) => activityEvent({ object_id: 5000 + i }));
    const responses = await Promise.all(burst.map((e) => postEvent(app, e)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(await counts(db.sql)).toEqual({ events: 150, jobs: 150 });
  });
});
