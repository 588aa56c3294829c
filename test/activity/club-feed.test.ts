import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scheduleFollowUps } from "../../src/activity/follow-up.js";
import { CLUB_FEED_TASK, FOLLOW_UP_TASK } from "../../src/activity/follow-up-jobs.js";
import { activityDetailJson } from "../../src/simulator/serialize.js";
import type { SimActivity } from "../../src/simulator/store.js";
import { stravaActivitySchema } from "../../src/strava/types.js";
import { startHarness, type Harness } from "../support/harness.js";
import { visibleRaceIds } from "../support/races.js";
import { waitForRun } from "../support/sync-runs.js";
import { waitFor } from "../support/wait.js";

const FEED = "GET /clubs/:id/activities";
const LIST = "GET /athlete/activities";
const FETCH = "GET /activities/:id";

/** The simulated activity as activity-sync would have fetched it. */
const asFetched = (a: SimActivity) => stravaActivitySchema.parse(activityDetailJson(a));

describe("follow-up checks through the club's feed (STRAVA_CLUB_ID)", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ env: { FOLLOW_UP_SCHEDULE: "1s,2s", STRAVA_CLUB_ID: "4242" } });
    await h.startWorker();
  });
  afterEach(async () => h.close());

  async function connected(): Promise<number> {
    const { athleteId, runId } = await h.connect({ history: { count: 2 } });
    await waitForRun(h, runId);
    return athleteId;
  }

  async function uploadRun(athleteId: number, visibility: SimActivity["visibility"] = "everyone") {
    const run = h.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 0, visibility });
    await scheduleFollowUps(h.ctx, h.verbDb, asFetched(run));
    return run;
  }

  const settled = () =>
    waitFor(async () => {
      const [row] = await h.sql<{ pending: number; jobs: number }[]>`
        select (select count(*)::int from follow_ups) as pending,
               (select count(*)::int from graphile_worker.jobs where task_identifier in (${CLUB_FEED_TASK}, ${FOLLOW_UP_TASK})) as jobs`;
      return row!.pending === 0 && row!.jobs === 0;
    }, "every follow-up check to finish", 20_000);

  it("one read of the feed answers every member's pending checks; a race it shows is fetched once with its owner's token", async () => {
    const athletes = [await connected(), await connected(), await connected()];
    const before = { feed: h.sim.counters.requests(FEED), list: h.sim.counters.requests(LIST), fetch: h.sim.counters.requests(FETCH) };
    const runs = [];
    for (const athleteId of athletes) runs.push(await uploadRun(athleteId), await uploadRun(athleteId));
    h.sim.updateActivity(runs[3]!.id, { workout_type: 1 });
    await settled();

    expect(await visibleRaceIds(h.sql, athletes[1]!)).toContain(runs[3]!.id);
    expect(h.sim.counters.requests(LIST) - before.list).toBe(0); // no athlete's own list call
    expect(h.sim.counters.requests(FETCH) - before.fetch).toBe(1); // the race, confirmed by its owner's token
    // Six runs checked at 1 s and 2 s would cost 12 list calls on their own; the feed is read at
    // most every half second until their last check.
    const reads = h.sim.counters.requests(FEED) - before.feed;
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(6);
    const [delay] = await h.sql<{ n: number }[]>`select count(*)::int as n from race_mark_delays where activity_id = ${runs[3]!.id}`;
    expect(delay!.n).toBe(1);
  });

  it("a run the feed never shows (its athlete left the club) goes back to the athlete's own checks and is still caught", async () => {
    const member = await connected();
    const leaver = await connected();
    h.sim.setClubMember(leaver, false);
    const hidden = await uploadRun(leaver);
    await uploadRun(member); // uploaded last: the member reads the feed
    h.sim.updateActivity(hidden.id, { workout_type: 1 });
    const listBefore = h.sim.counters.requests(LIST);
    await settled();
    expect(await visibleRaceIds(h.sql, leaver)).toContain(hidden.id);
    expect(h.sim.counters.requests(LIST) - listBefore).toBeGreaterThanOrEqual(1);
  });

  it("a reader outside the club hands its runs back to its own checks at once", async () => {
    const outsider = await connected();
    h.sim.setClubMember(outsider, false);
    const run = await uploadRun(outsider);
    h.sim.updateActivity(run.id, { workout_type: 1 });
    await settled();
    expect(await visibleRaceIds(h.sql, outsider)).toContain(run.id);
  });

  it("never reads the feed with a blocked athlete's token: their runs go back to their own checks, which drop them", async () => {
    const member = await connected();
    const blocked = await connected();
    await uploadRun(member);
    await uploadRun(blocked); // uploaded last, but blocked: the member reads the feed
    await h.sql`update athletes set is_blocked = true where strava_id = ${blocked}`;
    const readers: Array<number | null> = [];
    h.sim.onRequest((r) => r.endpoint === FEED && readers.push(r.athleteId));
    await settled();
    expect(readers.length).toBeGreaterThanOrEqual(1);
    expect(new Set(readers)).toEqual(new Set([member]));
  });

  it("a run shown to followers only is checked by its athlete's own list calls from the start", async () => {
    const athleteId = await connected();
    const run = await uploadRun(athleteId, "followers_only");
    const [row] = await h.sql<{ via_club: boolean }[]>`select via_club from follow_ups where activity_id = ${run.id}`;
    expect(row!.via_club).toBe(false);
    h.sim.updateActivity(run.id, { workout_type: 1 });
    const feedBefore = h.sim.counters.requests(FEED);
    await settled();
    expect(await visibleRaceIds(h.sql, athleteId)).toContain(run.id);
    expect(h.sim.counters.requests(FEED) - feedBefore).toBe(0);
  });
});
