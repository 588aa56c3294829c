import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requeueOrphanedEvents } from "../../src/webhooks/requeue.js";
import { startHarness, type Harness } from "../support/harness.js";
import { visibleRaceIds } from "../support/races.js";

describe("webhook events whose job went missing", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await h.subscribeWebhooks(); // no worker yet: stored events wait with their job
  });
  afterAll(() => h.close());

  const jobKeyOf = async (activityId: number) =>
    (await h.sql<{ job_key: string }[]>`select job_key from webhook_events where object_id = ${activityId}`)[0]!.job_key;
  const jobs = async (key: string) => (await h.sql`select 1 from graphile_worker._private_jobs where key = ${key}`).length;

  it("are queued again once they waited past the grace, and then processed; the others are left alone", async () => {
    const { athleteId } = await h.connect({ history: { count: 0 } });
    const lost = h.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1, name: "Lost job 10K" });
    const young = h.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1, name: "Just arrived" });
    const waiting = h.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1, name: "Job still there" });
    await h.sim.deliveries.idle();
    const [lostKey, youngKey, waitingKey] = [await jobKeyOf(lost.id), await jobKeyOf(young.id), await jobKeyOf(waiting.id)];
    // A job gone missing (as add_jobs can drop one), for an old event and a young one.
    await h.sql`select graphile_worker.remove_job(${lostKey}), graphile_worker.remove_job(${youngKey})`;
    await h.sql`update webhook_events set received_at = now() - interval '2 minutes' where object_id in (${lost.id}, ${waiting.id})`;

    expect(await requeueOrphanedEvents(h.ctx.db, h.config, 60)).toBe(1);
    expect(await jobs(lostKey)).toBe(1);
    expect(await jobs(youngKey)).toBe(0); // within the grace: its job may still be being written
    expect(await jobs(waitingKey)).toBe(1); // untouched
    expect(await requeueOrphanedEvents(h.ctx.db, h.config, 60)).toBe(0); // its job is back

    await h.sql`delete from webhook_events where object_id = ${young.id}`; // a later pass's business, not this test's
    await h.startWorker();
    await h.settle();
    const [stuck] = await h.sql<{ n: number }[]>`select count(*)::int as n from webhook_events where outcome = 'queued'`;
    expect(stuck!.n).toBe(0);
    expect(await visibleRaceIds(h.sql, athleteId)).toEqual(expect.arrayContaining([lost.id, waiting.id]));
  });
});
