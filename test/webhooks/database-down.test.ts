import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../src/db/embedded.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { createTestContext, type TestContext } from "../support/context.js";
import { freePort } from "../support/net.js";
import { connectTestSql } from "../support/test-sql.js";
import { activityEvent, postEvent, RECEIVER_ENV, receiverApp } from "./helpers.js";

/** A Postgres of its own, so this test can stop it under the receiver's feet. */
describe("webhook receiver when Postgres goes away", () => {
  let dataDir: string;
  let port: number;
  let pg: EmbeddedDatabase;
  let receiver: TestContext;
  const start = () => startEmbeddedPostgres({ dataDir, port });
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "racesync-webhook-down-"));
    port = await freePort();
    pg = await start();
    await migrateDatabase(pg.url);
    receiver = createTestContext(pg.url, { env: RECEIVER_ENV, maxConnections: 4 });
    const sql = connectTestSql(pg.url, 1);
    await sql`insert into athletes (strava_id) values (1000)`;
    await sql.end();
  });
  afterAll(async () => {
    await receiver.close();
    await pg.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("answers 503 while the database is down and never acknowledges an event it did not store", { timeout: 60_000 }, async () => {
    const app = await receiverApp(receiver.ctx);
    const events = Array.from({ length: 55 }, (_, i) => activityEvent({ object_id: 70_000 + i }));
    const statuses: number[] = [];
    for (const event of events.slice(0, 20)) statuses.push((await postEvent(app, event)).status);
    const [during] = await Promise.all([Promise.all(events.slice(20, 50).map((e) => postEvent(app, e))), pg.stop()]);
    statuses.push(...during.map((r) => r.status));
    for (const event of events.slice(50)) statuses.push((await postEvent(app, event)).status);

    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(-5).every((s) => s === 503)).toBe(true);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    const downBody = await postEvent(app, activityEvent()).then((r) => r.json());
    expect(downBody.error.code).toBe("DATABASE_UNAVAILABLE");

    pg = await start();
    const acked = events.filter((_, i) => statuses[i] === 200).map((e) => e.object_id as number);
    // A fresh client: the pool's idle connections died with the old server.
    const check = connectTestSql(pg.url, 1);
    const stored = await check<{ object_id: number }[]>`select object_id from webhook_events`;
    await check.end();
    const storedIds = new Set(stored.map((r) => Number(r.object_id)));
    expect(acked.length).toBeGreaterThan(0);
    expect(acked.filter((id) => !storedIds.has(id))).toEqual([]);
  });
});
