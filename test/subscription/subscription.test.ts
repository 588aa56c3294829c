import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/simulator/index.js";
import { subscriptionMain } from "../../src/subscription/main.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { freePort } from "../support/net.js";
import { startSim, type RunningSim } from "../support/simulator.js";
import { startCallbackServer, VERIFY_TOKEN } from "./callback-server.js";

let strava: RunningSim;
let sim: Simulator;
let callback: Awaited<ReturnType<typeof startCallbackServer>>;
let database: TestDatabase;

beforeAll(async () => {
  strava = await startSim();
  sim = strava.sim;
  callback = await startCallbackServer();
  database = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all([strava.close(), callback.close(), database.destroy()]);
});
afterEach(async () => {
  const current = sim.subscription();
  if (current) await run(["delete"], env("ok"));
});

function env(mode: string, extra: Record<string, string | undefined> = {}) {
  return {
    STRAVA_CLIENT_ID: String(sim.clientId),
    STRAVA_CLIENT_SECRET: sim.clientSecret,
    STRAVA_API_URL: `${strava.url}/api/v3`,
    STRAVA_VERIFY_TOKEN: VERIFY_TOKEN,
    PUBLIC_URL: `${callback.url}/${mode}`,
    DATABASE_URL: database.url,
    ...extra,
  };
}

async function run(args: string[], e: Record<string, string | undefined>) {
  const lines: string[] = [];
  const code = await subscriptionMain(args, e, (line) => lines.push(line));
  return { code, output: lines.join("\n") };
}

async function storedSecret(): Promise<string | undefined> {
  const [row] = await database.sql<{ value: string }[]>`select value from settings where key = 'strava_webhook_secret'`;
  return row?.value;
}

async function storedId(): Promise<string | undefined> {
  const [row] = await database.sql<{ value: string }[]>`select value from settings where key = 'strava_subscription_id'`;
  return row?.value;
}

describe("npm run subscription", () => {
  it("create registers the callback URL with its secret path and stores the subscription id", async () => {
    const { code, output } = await run(["create"], env("ok"));
    const created = sim.subscription();
    expect(code).toBe(0);
    const secret = await storedSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created?.callback_url).toBe(`${callback.url}/ok/webhooks/strava/${secret}`);
    expect(output).toContain(`✓ Subscription ${created!.id} created`);
    expect(await storedId()).toBe(String(created!.id));
  });

  it("create keeps the stored secret; create --new-secret replaces it, and only when no subscription exists", async () => {
    await run(["create"], env("ok"));
    const first = await storedSecret();
    const refused = await run(["create", "--new-secret"], env("ok"));
    expect(refused.code).toBe(1);
    expect(refused.output).toContain("already has a push subscription");
    expect(await storedSecret()).toBe(first);
    await run(["delete"], env("ok"));
    expect((await run(["create"], env("ok"))).code).toBe(0);
    expect(sim.subscription()!.callback_url).toBe(`${callback.url}/ok/webhooks/strava/${first}`);
    await run(["delete"], env("ok"));
    const rotated = await run(["create", "--new-secret"], env("ok"));
    expect(rotated.code).toBe(0);
    expect(rotated.output).toContain("new callback secret");
    const second = await storedSecret();
    expect(second).not.toBe(first);
    expect(sim.subscription()!.callback_url).toBe(`${callback.url}/ok/webhooks/strava/${second}`);
  });

  it("create needs DATABASE_URL, where the secret is kept", async () => {
    const { code, output } = await run(["create"], env("ok", { DATABASE_URL: undefined }));
    expect(code).toBe(1);
    expect(output).toContain("DATABASE_URL is not set");
    expect(sim.subscription()).toBeNull();
  });

  it("create when one exists shows it and the exact command to delete it", async () => {
    await run(["create"], env("ok"));
    const existing = sim.subscription()!;
    const { code, output } = await run(["create"], env("ok"));
    expect(code).toBe(1);
    expect(output).toContain("already has a push subscription");
    expect(output).toContain(`id ${existing.id} → ${existing.callback_url}`);
    expect(output).toContain(`npm run subscription -- delete ${existing.id}`);
  });

  it("view shows the subscription with its secret callback URL and stores its id", async () => {
    await run(["create"], env("ok"));
    await database.sql`delete from settings where key = 'strava_subscription_id'`;
    const { code, output } = await run(["view"], env("ok"));
    expect(code).toBe(0);
    expect(output).toContain(`✓ Subscription ${sim.subscription()!.id} → ${callback.url}/ok/webhooks/strava/${await storedSecret()}`);
    expect(output).not.toContain("does not point");
    expect(await storedId()).toBe(String(sim.subscription()!.id));
  });

  it("view flags a subscription that points somewhere else, or at another secret", async () => {
    await run(["create"], env("ok"));
    expect((await run(["view"], env("elsewhere"))).output).toContain("does not point at this racesync");
    await database.sql`update settings set value = 'another-secret' where key = 'strava_webhook_secret'`;
    expect((await run(["view"], env("ok"))).output).toContain(`does not point at this racesync's callback URL (${callback.url}/ok/webhooks/strava/another-secret)`);
  });

  it("view with no subscription says how to create one", async () => {
    const { code, output } = await run(["view"], env("ok"));
    expect(code).toBe(1);
    expect(output).toContain("npm run subscription -- create");
  });

  it("delete removes the subscription at Strava and the stored id", async () => {
    await run(["create"], env("ok"));
    const { code, output } = await run(["delete"], env("ok"));
    expect(code).toBe(0);
    expect(output).toContain("✓ Deleted subscription");
    expect(sim.subscription()).toBeNull();
    expect(await storedId()).toBeUndefined();
  });

  it("delete of an unknown id says so", async () => {
    await run(["create"], env("ok"));
    const { code, output } = await run(["delete", "999"], env("ok"));
    expect(code).toBe(1);
    expect(output).toContain("has no subscription 999");
    expect(sim.subscription()).not.toBeNull();
  });


  it.each([
    ["forbidden", { STRAVA_VERIFY_TOKEN: "not-the-servers-token" }, "it answered 403"],
    ["wrong-key", {}, 'not {"hub.challenge"'],
    ["error", {}, "it answered HTTP 500"],
  ])("create with an unverifiable callback (%s) explains what failed", async (mode, extra, explanation) => {
    const { code, output } = await run(["create"], env(mode, extra));
    expect(code).toBe(1);
    expect(sim.subscription()).toBeNull();
    expect(output).toContain("Strava could not verify the callback");
    expect(output).toContain(explanation);
  });

  it("create with an unreachable callback says it could not be reached", async () => {
    const port = await freePort();
    const { code, output } = await run(["create"], env("ok", { PUBLIC_URL: `http://127.0.0.1:${port}` }));
    expect(code).toBe(1);
    expect(output).toContain("ECONNREFUSED");
    expect(output).toContain("Is racesync running");
  });

  it("create with a callback slower than 2 s says it is too slow", async () => {
    const { code, output } = await run(["create"], env("slow"));
    expect(code).toBe(1);
    expect(output).toMatch(/it took \d+ ms \(Strava gives up after 2000 ms\)/);
  });

  it("refuses to run without application credentials or a command", async () => {
    expect((await run(["create"], {})).output).toContain("STRAVA_CLIENT_ID is required");
    expect((await run(["create"], env("ok", { STRAVA_CLIENT_SECRET: "wrong" }))).output).toContain("refused");
    expect((await run([], env("ok"))).code).toBe(2);
    expect((await run(["view", "--new-secret"], env("ok"))).code).toBe(2);
  });
});
