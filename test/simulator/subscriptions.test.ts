import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSim, type RunningSim } from "../support/simulator.js";
import { sleep, startCallback, subscribe } from "./helpers.js";

let s: RunningSim;
let callback: Awaited<ReturnType<typeof startCallback>>;
beforeEach(async () => {
  s = await startSim();
  callback = await startCallback();
});
afterEach(async () => {
  await s.close();
  await callback.close();
});

const notVerifiable = { message: "Bad Request", errors: [{ resource: "PushSubscription", field: "callback url", code: "not verifiable" }] };
const creds = () => `client_id=${s.sim.clientId}&client_secret=${s.sim.clientSecret}`;

describe("push subscriptions", () => {
  it("validates the callback synchronously and answers 201 with the subscription", async () => {
    const res = await subscribe(s, callback.url);
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ resource_state: 2, application_id: s.sim.clientId, callback_url: callback.url });
    expect(typeof body.id).toBe("number");
    const validation = callback.received[0];
    expect(validation?.method).toBe("GET");
    expect(validation?.url.searchParams.get("hub.mode")).toBe("subscribe");
    expect(validation?.url.searchParams.get("hub.verify_token")).toBe("STRAVA");
    expect(validation?.url.searchParams.get("hub.challenge")).toMatch(/^[0-9a-f]{32}$/);
  });

  it("fails when the callback echoes the wrong challenge", async () => {
    callback.handle((_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ hub_challenge: "x" })));
    const res = await subscribe(s, callback.url);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(notVerifiable);
    expect(s.sim.subscription()).toBeNull();
  });

  it("fails when the callback does not answer 200", async () => {
    callback.handle((_req, res) => void res.writeHead(403).end());
    const res = await subscribe(s, callback.url);
    expect((await res.json()).errors[0].code).toBe("GET to callback URL does not return 200");
  });

  it("fails when the callback takes more than 2 s", async () => {
    callback.handle(async (req, res) => {
      await sleep(2300);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ "hub.challenge": req.url.searchParams.get("hub.challenge") }));
    });
    const started = Date.now();
    const res = await subscribe(s, callback.url);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(notVerifiable);
    expect(Date.now() - started).toBeLessThan(2300);
  });

  it("allows one subscription per application, lists it and deletes it with 204", async () => {
    const { id } = await (await subscribe(s, callback.url)).json();
    const second = await subscribe(s, callback.url);
    expect(await second.json()).toEqual({ message: "Bad Request", errors: [{ resource: "PushSubscription", field: "", code: "already exists" }] });

    const listed = await fetch(`${s.url}/api/v3/push_subscriptions?${creds()}`);
    expect(await listed.json()).toEqual([s.sim.subscription()]);
    expect(listed.headers.get("x-ratelimit-usage")).toBe("0,0");

    const deleted = await fetch(`${s.url}/api/v3/push_subscriptions/${id}?${creds()}`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await (await fetch(`${s.url}/api/v3/push_subscriptions?${creds()}`)).json()).toEqual([]);
  });

  it("rejects wrong client credentials", async () => {
    const res = await fetch(`${s.url}/api/v3/push_subscriptions?client_id=${s.sim.clientId}&client_secret=wrong`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: "Authorization Error", errors: [{ resource: "Application", field: "", code: "invalid" }] });
  });
});
