import { Readable } from "node:stream";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { replaceSetting } from "../../src/db/settings.js";
import { createRandom } from "../../src/simulator/random.js";
import { WEBHOOK_SECRET_SETTING } from "../../src/webhooks/credentials.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { activityEvent, counts, RECEIVER_ENV, storeSubscriptionId, SUBSCRIPTION_ID, WEBHOOK_PATH, WEBHOOK_SECRET } from "./helpers.js";
import { malformedBodies, type Malformed } from "./malformed-bodies.js";

const BODIES = 10_000;
const CONCURRENCY = 16;
/** Every fifth body is streamed with chunked transfer encoding and no Content-Length. */
const CHUNKED_EVERY = 5;

/** 10,000 generated malformed bodies against one running web app: every one refused with a 4xx, nothing written. */
describe("webhook receiver fuzzed with malformed bodies", () => {
  let db: TestDatabase;
  let server: ServerType;
  let pool: Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    const { ctx, verbDb } = db.context({ env: RECEIVER_ENV });
    await replaceSetting(verbDb, WEBHOOK_SECRET_SETTING, WEBHOOK_SECRET);
    await storeSubscriptionId(verbDb, SUBSCRIPTION_ID);
    await db.sql`insert into athletes (strava_id) values (1000)`;
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: createApp(ctx).fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
    });
    // On a starved machine the event loop can stall for seconds: keep idle connections open well beyond that.
    (server as Server).keepAliveTimeout = 60_000;
    pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: CONCURRENCY });
  });
  afterAll(async () => {
    await pool.close();
    await new Promise((resolve) => server.close(resolve));
    await db.destroy();
  });

  async function send(m: Malformed, i: number): Promise<number | string> {
    const chunked = i % CHUNKED_EVERY === 0;
    const body = chunked ? Readable.from(chunksOf(m.body, 1 + (i % 7) * 300)) : m.body;
    try {
      // A body over the limit is refused unread and its connection closed: send it on one of its own.
      const reset = m.body.length > 64 * 1024;
      const res = await pool.request({ method: "POST", path: WEBHOOK_PATH, headers: { "content-type": "application/json" }, body, reset });
      await res.body.dump();
      return res.statusCode;
    } catch (err) {
      return `${(err as Error).message} ${m.kind} ${m.body.length} ${chunked}`;
    }
  }

  // One server and moderate concurrency keep it short; the long timeout is for a machine busy with other test runs.
  it("answers every one with a 4xx, writes nothing and still serves a good event", { timeout: 600_000 }, async () => {
    const before = await counts(db.sql);
    const bodies = malformedBodies(createRandom(14), BODIES, () => activityEvent());
    const statuses: Array<number | string> = new Array(bodies.length);
    let next = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < bodies.length; i = next++) statuses[i] = await send(bodies[i]!, i);
    }));
    const seconds = (performance.now() - started) / 1000;
    const { user, system } = process.cpuUsage(cpu);

    const byStatus = tally(statuses.map(String));
    const byKind = tally(bodies.map((b, i) => `${b.kind} → ${statuses[i]}`));
    const cpuMs = (user + system) / 1000 / bodies.length;
    console.log(`fuzz: ${bodies.length} malformed bodies in ${seconds.toFixed(1)} s (${Math.round(bodies.length / seconds)}/s, ${cpuMs.toFixed(2)} ms of CPU each, client and server), by status:`, byStatus);
    console.log("fuzz: by kind and status:", byKind);
    const notRefused = bodies.flatMap((b, i) => (Number(statuses[i]) >= 400 && Number(statuses[i]) < 500 ? [] : [`${b.kind}: ${Buffer.from(b.body).toString("utf8", 0, 100)} → ${statuses[i]}`]));
    expect(notRefused).toEqual([]);
    expect(await counts(db.sql)).toEqual(before);

    const good = await pool.request({ method: "POST", path: WEBHOOK_PATH, headers: { "content-type": "application/json" }, body: JSON.stringify(activityEvent()) });
    expect([good.statusCode, await good.body.json()]).toEqual([200, { ok: true, duplicate: false }]);
  });
});

function* chunksOf(body: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < body.length; at += size) yield body.subarray(at, at + size);
}

function tally(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
