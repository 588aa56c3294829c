import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hono } from "hono";
import type { AppContext } from "../../src/context.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { droppedCount } from "../support/metrics.js";
import { waitFor } from "../support/wait.js";
import { activityEvent, postEvent, receiverApp, RECEIVER_ENV } from "./helpers.js";

const DEADLINE_MS = 400;

/** The receiver while Postgres cannot keep up: its queue is bounded and late events are never written. */
describe("webhook receiver under back-pressure", () => {
  let db: TestDatabase;
  let ctx: AppContext;
  let app: Hono;
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ ctx } = db.context({ env: RECEIVER_ENV }));
    app = await receiverApp(ctx, { maxQueued: 3, ackDeadlineMs: DEADLINE_MS });
    await db.sql`insert into athletes (strava_id) values (1000)`;
  });
  afterAll(() => db.destroy());

  /** Holds a lock that blocks every insert into webhook_events until the returned function is called. */
  async function blockInserts(): Promise<() => Promise<void>> {
    let unlock!: () => void;
    const held = new Promise<void>((resolve) => (unlock = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const transaction = db.sql.begin(async (tx) => {
      await tx`lock table webhook_events in share mode`;
      locked();
      await held;
    });
    await isLocked;
    return async () => {
      unlock();
      await transaction;
    };
  }

  const waitingOnTheLock = async () =>
    (await db.sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)[0]!.n > 0;

  it("answers 503 at once when the queue is full, and never writes the events whose answer was already a 503", async () => {
    const [fullBefore, lateBefore] = [await droppedCount(ctx, "queue_full"), await droppedCount(ctx, "timed_out")];
    const release = await blockInserts();
    const first = postEvent(app, activityEvent({ object_id: 1 })); // in flight, waiting for the lock
    await waitFor(waitingOnTheLock, "the first commit to wait for the lock");
    const queued = [2, 3, 4].map((id) => postEvent(app, activityEvent({ object_id: id })));
    const started = Date.now();
    const refused = await postEvent(app, activityEvent({ object_id: 5 }));
    expect(refused.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
    expect((await refused.json()).error.code).toBe("DATABASE_UNAVAILABLE");
    expect((await Promise.all(queued)).map((r) => r.status)).toEqual([503, 503, 503]);
    expect((await first).status).toBe(503);
    await release();

    // The in-flight commit completes (a redelivery will be a duplicate); the queued events are gone.
    await waitFor(async () => (await db.sql`select 1 from webhook_events where object_id = 1`).length === 1, "the in-flight commit");
    expect((await db.sql<{ object_id: number }[]>`select object_id::int from webhook_events order by object_id`).map((r) => r.object_id)).toEqual([1]);
    expect(await droppedCount(ctx, "queue_full")).toBe(fullBefore + 1);
    expect(await droppedCount(ctx, "timed_out")).toBe(lateBefore + 4);
    // Once Postgres keeps up again, events are acknowledged again (a redelivery of a late one is a no-op).
    await waitFor(async () => (await postEvent(app, activityEvent({ object_id: 6 }))).status === 200, "an acknowledged event");
  });
});
