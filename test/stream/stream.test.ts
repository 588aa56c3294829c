import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLog } from "../../src/log.js";
import { deleteRace, applyActivity } from "../../src/races/store.js";
import { startFeedListener, type FeedListener } from "../../src/stream/listener.js";
import { createRun } from "../../src/history/runs.js";
import { readSse as reader } from "../support/sse.js";
import { startHarness, type Harness } from "../support/harness.js";
import { raceActivity } from "../support/races.js";
import { Browser, signIn } from "../support/sign-in.js";
import { waitFor } from "../support/wait.js";

let h: Harness;
let feed: FeedListener;
const ids = { ana: 0, ben: 0, hid: 0 };
let ana: Browser, hid: Browser;

beforeAll(async () => {
  h = await startHarness();
  feed = await startFeedListener(h.db.url, createLog("silent"));
  h.rebuild({ feed });
  for (const name of ["ana", "ben", "hid"] as const) ids[name] = h.sim.seedAthlete({ firstname: name }).id;
  ana = await signIn(h, ids.ana);
  const ben = await signIn(h, ids.ben);
  hid = await signIn(h, ids.hid);
  for (const b of [ana, ben, hid]) await b.json("/api/me", "PATCH", { share_on_board: true });
  await h.sql`update athletes set is_hidden = true where strava_id = ${ids.hid}`; // an admin hid them
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
    await applyActivity(h.verbDb, activity);
    const upserted = await stream.next();
    expect(upserted).toMatchObject({ event: "race.upserted", data: { strava_activity_id: activity.id, name: "Spring 10K", athlete: { strava_id: ids.ben } } });
    await deleteRace(h.verbDb, activity.id, ids.ben);
    const removed = await stream.next();
    expect(removed).toMatchObject({ event: "race.removed", data: { strava_activity_id: activity.id } });
    expect(removed.id).toBeGreaterThan(upserted.id);
    await stream.cancel();
  });

  it("does not send a hidden athlete's changes to other members, but does to the athlete", async () => {
    const [anaStream, hidStream] = [await open(ana), await open(hid)];
    const hidden = raceActivity(ids.hid);
    await applyActivity(h.verbDb, hidden);
    await deleteRace(h.verbDb, hidden.id, ids.hid);
    const visible = raceActivity(ids.ben);
    await applyActivity(h.verbDb, visible);
    expect((await anaStream.next()).data.strava_activity_id).toBe(visible.id);
    expect((await hidStream.next()).data.strava_activity_id).toBe(hidden.id);
    expect((await hidStream.next())).toMatchObject({ event: "race.removed", data: { strava_activity_id: hidden.id } });
    await Promise.all([anaStream.cancel(), hidStream.cancel()]);
  });

  it("sends sync progress only to the athlete it concerns (and admins)", async () => {
    const stream = await open(ana);
    await createRun(h.verbDb, { athleteId: ids.ben, kind: "reconcile", trigger: "cron" });
    const runId = await createRun(h.verbDb, { athleteId: ids.ana, kind: "reconcile", trigger: "cron" });
    expect(await stream.next()).toMatchObject({ event: "sync.progress", data: { id: Number(runId), athlete_strava_id: ids.ana } });
    await stream.cancel();
  });

  it("refuses anonymous clients unless the dashboard is public", async () => {
    expect((await new Browser(h).request("/api/stream")).status).toBe(401);
  });

  it("keeps delivering after the LISTEN connection is dropped", async () => {
    const stream = await open(ana);
    const listeners = () => h.sql`select pid from pg_stat_activity where datname = current_database() and query ilike 'listen%'`;
    const [old] = await listeners();
    await h.sql`select pg_terminate_backend(${old!.pid})`;
    await waitFor(async () => (await listeners()).some((r) => r.pid !== old!.pid), "a new LISTEN connection");
    const activity = raceActivity(ids.ben);
    await applyActivity(h.verbDb, activity);
    expect((await stream.next()).data.strava_activity_id).toBe(activity.id);
    await stream.cancel();
  });

  it("closes every open stream when the listener closes", async () => {
    const own = await startFeedListener(h.db.url, createLog("silent"));
    h.rebuild({ feed: own });
    const stream = await open(ana);
    expect(own.subscriberCount()).toBe(1);
    await own.close();
    expect(await stream.ended()).toBe(true);
    h.rebuild({ feed });
  });
});
