import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSim, type RunningSim } from "../support/simulator.js";
import { sleep, startCallback, subscribe } from "./helpers.js";

let s: RunningSim;
let callback: Awaited<ReturnType<typeof startCallback>>;
let athleteId: number;
let subscriptionId: number;

beforeEach(async () => {
  s = await startSim({ webhookRetryDelayMs: 20 });
  callback = await startCallback();
  subscriptionId = (await (await subscribe(s, callback.url)).json()).id;
  athleteId = s.sim.seedAthlete().id;
  s.sim.issueTokens(athleteId, "read,activity:read_all");
});
afterEach(async () => {
  await s.sim.deliveries.idle();
  await s.close();
  await callback.close();
});

async function eventsAfter(action: () => void) {
  const before = callback.events().length;
  action();
  await s.sim.deliveries.idle();
  return callback.events().slice(before);
}

describe("webhook events", () => {
  it("sends create, update and delete exactly as Strava shapes them", async () => {
    const created = await eventsAfter(() => s.sim.createActivity(athleteId, { name: "Parkrun" }));
    const id = s.sim.activitiesOf(athleteId)[0]?.id;
    expect(created).toEqual([{ aspect_type: "create", event_time: expect.any(Number), object_id: id, object_type: "activity", owner_id: athleteId, subscription_id: subscriptionId, updates: {} }]);
    const updated = await eventsAfter(() => s.sim.updateActivity(id ?? 0, { name: "x", sport_type: "Walk", visibility: "only_me" }));
    expect(updated.map((e) => e.updates)).toEqual([{ title: "x", type: "Walk", private: "true" }]);
    const deleted = await eventsAfter(() => s.sim.deleteActivity(id ?? 0));
    expect(deleted).toMatchObject([{ aspect_type: "delete", object_id: id, updates: {} }]);
  });

  it("sends nothing for a workout_type-only edit, and only the title when both change", async () => {
    const { id } = s.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 0 });
    await s.sim.deliveries.idle();
    expect(await eventsAfter(() => s.sim.updateActivity(id, { workout_type: 1 }))).toEqual([]);
    const both = await eventsAfter(() => s.sim.updateActivity(id, { name: "Race day", workout_type: 0 }));
    expect(both.map((e) => e.updates)).toEqual([{ title: "Race day" }]);
  });

  it("turns privacy changes into delete / create for apps without read_all", async () => {
    const other = s.sim.seedAthlete().id;
    s.sim.issueTokens(other, "read,activity:read");
    const { id } = s.sim.createActivity(other, { visibility: "everyone" });
    await s.sim.deliveries.idle();
    expect((await eventsAfter(() => s.sim.updateActivity(id, { visibility: "only_me" }))).map((e) => e.aspect_type)).toEqual(["delete"]);
    expect(await eventsAfter(() => s.sim.updateActivity(id, { name: "hidden edit" }))).toEqual([]);
    expect((await eventsAfter(() => s.sim.updateActivity(id, { visibility: "followers_only" }))).map((e) => e.aspect_type)).toEqual(["create"]);
  });

  it("sends the athlete deauthorization event, and none for athletes who never authorized", async () => {
    expect(await eventsAfter(() => s.sim.deauthorizeAthlete(athleteId))).toEqual([
      { aspect_type: "update", event_time: expect.any(Number), object_id: athleteId, object_type: "athlete", owner_id: athleteId, subscription_id: subscriptionId, updates: { authorized: "false" } },
    ]);
    const stranger = s.sim.seedAthlete().id;
    expect(await eventsAfter(() => s.sim.createActivity(stranger))).toEqual([]);
  });

  it("emits on app-side /oauth/deauthorize unless switched off", async () => {
    const deauthorizeWithParam = (token: string) =>
      s.form("/oauth/deauthorize", { access_token: token });
    let token = s.sim.issueTokens(athleteId).access_token;
    expect((await deauthorizeWithParam(token)).status).toBe(200);
    await s.sim.deliveries.idle();
    expect(callback.events().at(-1)).toMatchObject({ object_type: "athlete", updates: { authorized: "false" } });

    s.sim.setDeauthorizeEmitsEvent(false);
    token = s.sim.issueTokens(athleteId).access_token;
    const before = callback.events().length;
    await deauthorizeWithParam(token);
    await s.sim.deliveries.idle();
    expect(callback.events()).toHaveLength(before);
  });

  it("retries an event the callback answers with 500 the first time", async () => {
    let calls = 0;
    callback.handle((_req, res) => void res.writeHead(++calls === 1 ? 500 : 200).end());
    const events = await eventsAfter(() => s.sim.createActivity(athleteId));
    expect(events).toHaveLength(2);
    expect(s.sim.deliveries.log.at(-1)).toMatchObject({ attempts: 2, status: 200, delivered: true });
  });

  it("retries after a callback slower than 2 s and gives up after 3 attempts", async () => {
    let calls = 0;
    callback.handle(async (_req, res) => {
      if (++calls === 1) await sleep(2200);
      res.writeHead(200).end();
    });
    await eventsAfter(() => s.sim.createActivity(athleteId));
    expect(s.sim.deliveries.log.at(-1)).toMatchObject({ attempts: 2, status: 200 });

    callback.handle((_req, res) => void res.writeHead(503).end());
    await eventsAfter(() => s.sim.createActivity(athleteId));
    expect(s.sim.deliveries.log.at(-1)).toMatchObject({ attempts: 3, status: 503, delivered: false });
  });

  it("drops and duplicates events on request", async () => {
    s.sim.faults.dropNextEvents(1);
    expect(await eventsAfter(() => s.sim.createActivity(athleteId))).toEqual([]);
    expect(s.sim.deliveries.dropped).toHaveLength(1);
    s.sim.faults.duplicateNextEvents(1);
    const twice = await eventsAfter(() => s.sim.createActivity(athleteId));
    expect(twice).toHaveLength(2);
    expect(twice[0]).toEqual(twice[1]);
    s.sim.faults.dropEvents(1);
    expect(await eventsAfter(() => s.sim.createActivity(athleteId))).toEqual([]);
  });

  it("delays and reorders a held batch", async () => {
    s.sim.faults.set({ delayMs: 100, reorderBatch: 4 });
    const ids: number[] = [];
    const sent = await eventsAfter(() => {
      for (let i = 0; i < 3; i++) ids.push(s.sim.createActivity(athleteId).id);
    });
    expect(sent).toEqual([]); // held until the batch is full
    const started = Date.now();
    const events = await eventsAfter(() => ids.push(s.sim.createActivity(athleteId).id));
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(events.map((e) => e.object_id).sort()).toEqual([...ids].sort());
  });
});
