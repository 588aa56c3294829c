import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLog } from "../../src/log.js";
import { deleteRace, applyActivity } from "../../src/races/store.js";
import { startFeedListener, type FeedListener } from "../../src/stream/listener.js";
import { createRun } from "../../src/sync/runs.js";
import { readSse as reader } from "../support/sse.js";
import { Browser, raceActivity, signIn, startHarness, type Harness } from "../auth/harness.js";

let h: Harness;
let feed: FeedListener;
const ids = { ana: 0, ben: 0, hid: 0 };
let ana: Browser, hid: Browser;

beforeAll(async () => {
  h = await startHarness();
  feed = await startFeedListener(h.database.url, createLog("silent"));
  h.rebuild({ feed });
  for (const name of ["ana", "ben", "hid"] as const) ids[name] = h.sim.seedAthlete({ firstname: name }).id;
  ana = await signIn(h, ids.ana);
  await signIn(h, ids.ben);
  hid = await signIn(h, ids.hid);
  await hid.json("/api/me", "PATCH", { is_hidden: true });
});
afterAll(async () => {
  await feed.close();
  await h.close();
});

async function open(browser: Browser) {
  const res = await browser.request("/api/stream");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  return reader(res);
}

describe("GET /api/stream", () => {
  it("sends race.upserted after applyActivity and race.removed after deleteRace, with increasing ids", async () => {
    const stream = await open(ana);
    const activity = raceActivity(ids.ben, { name: "Spring 10K" });
    await applyActivity(h.database.sql, activity);
    const upserted = await stream.next();
    expect(upserted).toMatchObject({ event: "race.upserted", data: { strava_activity_id: activity.id, name: "Spring 10K", athlete: { strava_id: ids.ben } } });
    await deleteRace(h.database.sql, activity.id);
    const removed = await stream.next();
    expect(removed).toMatchObject({ event: "race.removed", data: { strava_activity_id: activity.id } });
    expect(removed.id).toBeGreaterThan(upserted.id);
    await stream.cancel();
  });

  it("does not send a hidden athlete's changes to other members, but does to the athlete", async () => {
    const [anaStream, hidStream] = [await open(ana), await open(hid)];
    const hidden = raceActivity(ids.hid);
    await applyActivity(h.database.sql, hidden);
    await deleteRace(h.database.sql, hidden.id);
    const visible = raceActivity(ids.ben);
    await applyActivity(h.database.sql, visible);
    expect((await anaStream.next()).data.strava_activity_id).toBe(visible.id);
    expect((await hidStream.next()).data.strava_activity_id).toBe(hidden.id);
    expect((await hidStream.next())).toMatchObject({ event: "race.removed", data: { strava_activity_id: hidden.id } });
    await Promise.all([anaStream.cancel(), hidStream.cancel()]);
  });

  it("sends sync progress only to the athlete it concerns (and admins)", async () => {
    const stream = await open(ana);
    await createRun(h.database.sql, { athleteId: ids.ben, kind: "reconcile", trigger: "cron" });
    const runId = await createRun(h.database.sql, { athleteId: ids.ana, kind: "reconcile", trigger: "cron" });
    expect(await stream.next()).toMatchObject({ event: "sync.progress", data: { id: Number(runId), athlete_strava_id: ids.ana } });
    await stream.cancel();
  });

  it("refuses anonymous clients unless the dashboard is public", async () => {
    expect((await new Browser(h).request("/api/stream")).status).toBe(401);
  });

  it("keeps delivering after the LISTEN connection is dropped", async () => {
    const stream = await open(ana);
    const listeners = () => h.database.sql`select pid from pg_stat_activity where datname = current_database() and query ilike 'listen%'`;
    const [old] = await listeners();
    await h.database.sql`select pg_terminate_backend(${old!.pid})`;
    while (!(await listeners()).some((r) => r.pid !== old!.pid)) await new Promise((r) => setTimeout(r, 50));
    const activity = raceActivity(ids.ben);
    await applyActivity(h.database.sql, activity);
    expect((await stream.next()).data.strava_activity_id).toBe(activity.id);
    await stream.cancel();
  });

  it("closes every open stream when the listener closes", async () => {
    const own = await startFeedListener(h.database.url, createLog("silent"));
    h.rebuild({ feed: own });
    const stream = await open(ana);
    expect(own.subscriberCount()).toBe(1);
    await own.close();
    expect(await stream.ended()).toBe(true);
    h.rebuild({ feed });
  });
});
