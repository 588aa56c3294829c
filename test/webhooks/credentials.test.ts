import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { rotateWebhookSecret, verifyTokenOf, webhookPath, webhookSecret } from "../../src/webhooks/credentials.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { waitFor } from "../support/wait.js";
import { webhookUrl } from "../support/webhook-url.js";

/** The callback secret and, in demo mode, the verify token: created once in the database, the same for every process. */
describe("webhook credentials", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.destroy());

  /** Another racesync process in demo mode (no Strava credentials, no STRAVA_VERIFY_TOKEN). */
  const demoProcess = () => db.context({ env: { LOG_LEVEL: "silent" } }).ctx;

  it("creates the callback secret once, whichever process asks first, even at the same moment", async () => {
    const processes = [demoProcess(), demoProcess(), demoProcess()];
    const secrets = await Promise.all(processes.flatMap((ctx) => [webhookSecret(ctx.db), webhookSecret(ctx.db)]));
    expect(new Set(secrets).size).toBe(1);
    expect(secrets[0]).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
  });

  it("generates and stores demo mode's verify token, so every process validates with the same one", async () => {
    const [one, two] = [demoProcess(), demoProcess()];
    expect(one.config.strava.verifyToken).toBeUndefined();
    const token = await verifyTokenOf(one);
    expect(await verifyTokenOf(two)).toBe(token);
    const path = await webhookUrl(two.db);
    const res = await createApp(two).request(`${path}?hub.mode=subscribe&hub.challenge=c1&hub.verify_token=${token}`);
    expect([res.status, await res.json()]).toEqual([200, { "hub.challenge": "c1" }]);
  });

  it("a rotated secret takes over in a running process: the new URL answers and the old one is 404", async () => {
    const ctx = demoProcess();
    const app = createApp(ctx);
    const token = await verifyTokenOf(ctx);
    const challenge = async (path: string) => (await app.request(`${path}?hub.mode=subscribe&hub.challenge=c2&hub.verify_token=${token}`)).status;
    const oldPath = await webhookUrl(ctx.db);
    expect(await challenge(oldPath)).toBe(200);
    const newPath = webhookPath(await rotateWebhookSecret(ctx.db));
    // A wrong secret re-reads the stored one at most once a second, so the first tries may still 404.
    await waitFor(async () => (await challenge(newPath)) === 200, "the new secret to be served");
    expect(await challenge(oldPath)).toBe(404);
  });
});
