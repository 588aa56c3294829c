import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requestRunCancel, startSync } from "../../src/history/start.js";
import { ADMIN_BEARER } from "../support/callers.js";
import { startHarness, type Harness } from "../support/harness.js";
import { simRaceIds, visibleRaceIds } from "../support/races.js";
import { waitForFirstPage, waitForRun } from "../support/sync-runs.js";

const RUNS = ["Run", "TrailRun", "VirtualRun"];

describe("reconcile, full refresh, guard and dry run", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ env: { RECONCILE_OVERLAP_S: String(30 * 86400) } });
  });
  afterEach(async () => h.close());

  /** GET /api/admin/sync-runs/:id as an admin sees it. */
  async function runDetail(runId: number) {
    const res = await h.app.request(`/api/admin/sync-runs/${runId}`, { headers: ADMIN_BEARER });
    expect(res.status).toBe(200);
    return (await res.json()) as any;
  }

  async function backfilled(count: number) {
    await h.startWorker();
    const { athleteId, runId } = await h.connect({ history: { count, raceShare: 0.3 } });
    expect((await waitForRun(h, runId)).status).toBe("succeeded");
    return athleteId;
  }

  it("repairs what dropped webhooks and workout_type-only edits never said", async () => {
    await h.subscribeWebhooks();
    const athleteId = await backfilled(60);
    h.sim.faults.dropEvents(0.3);
    const created = Array.from({ length: 10 }, (_, i) => h.sim.createActivity(athleteId, { sport_type: "Run", workout_type: i % 2 ? 1 : 0 }));
    const recent = h.sim.activitiesOf(athleteId).filter((a) => !created.includes(a)).filter((a) => RUNS.includes(a.sport_type)).slice(0, 3);
    for (const a of recent) h.sim.updateActivity(a.id, { workout_type: a.workout_type === 1 ? 0 : 1 }); // no webhook for these
    h.sim.deleteActivity(created[1]!.id);
    await h.settle(); // the webhook jobs of the events that did arrive have run
    expect(await visibleRaceIds(h.sql, athleteId)).not.toEqual(simRaceIds(h.sim, athleteId));

    const runId = await startSync(h.ctx, { athleteId, mode: "reconcile", trigger: "admin" });
    const run = await waitForRun(h, runId);
    expect(run.status).toBe("succeeded");
    expect(await visibleRaceIds(h.sql, athleteId)).toEqual(simRaceIds(h.sim, athleteId));
  });

  it("a full refresh keeps event names and a reader never sees the race count drop", async () => {
    const athleteId = await backfilled(450);
    const [first] = await visibleRaceIds(h.sql, athleteId);
    await h.sql`update races set event_name = 'Club Championship' where strava_activity_id = ${first!}`;
    const expected = (await visibleRaceIds(h.sql, athleteId)).length;
    let lowest = Infinity;
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const [row] = await h.sql<{ n: number }[]>`select count(*)::int as n from races where athlete_id = ${athleteId} and removed_at is null`;
        lowest = Math.min(lowest, row!.n);
      }
    })();
    const runId = await startSync(h.ctx, { athleteId, mode: "full", trigger: "admin" });
    const run = await waitForRun(h, runId);
    reading = false;
    await reader;
    expect(run.status).toBe("succeeded");
    expect(run.pages).toBe(3);
    expect(lowest).toBe(expected);
    const [race] = await h.sql<{ event_name: string }[]>`select event_name from races where strava_activity_id = ${first!}`;
    expect(race!.event_name).toBe("Club Championship");
  });

  it("a full refresh deletes vanished races and soft-removes races that stopped being races", async () => {
    const athleteId = await backfilled(100);
    const [gone, demoted] = h.sim.racesOf(athleteId);
    h.sim.deleteActivity(gone!.id);
    h.sim.updateActivity(demoted!.id, { workout_type: 0 });
    await h.sql`update races set event_name = 'Kept' where strava_activity_id = ${demoted!.id}`;
    const run = await waitForRun(h, await startSync(h.ctx, { athleteId, mode: "full", trigger: "admin" }));
    expect(run.races_removed).toBe(2);
    expect(await visibleRaceIds(h.sql, athleteId)).toEqual(simRaceIds(h.sim, athleteId));
    const rows = await h.sql<{ id: string; removed: boolean; event_name: string | null }[]>`
      select strava_activity_id::text as id, removed_at is not null as removed, event_name from races
      where strava_activity_id in (${gone!.id}, ${demoted!.id})`;
    expect(rows).toEqual([{ id: String(demoted!.id), removed: true, event_name: "Kept" }]);
  });

  it("cancel stops a full refresh between pages and removes nothing", async () => {
    const athleteId = await backfilled(1000);
    const before = await visibleRaceIds(h.sql, athleteId);
    h.sim.faults.apiLatency(300); // pages slow enough to cancel between them
    const runId = await startSync(h.ctx, { athleteId, mode: "full", trigger: "admin" });
    await waitForRun(h, runId, ["running"]);
    await waitForFirstPage(h, runId);
    expect(await requestRunCancel(h.verbDb, runId)).toBe(true);
    const run = await waitForRun(h, runId);
    expect(run.status).toBe("cancelled");
    expect(run.pages).toBeLessThan(5);
    expect(await visibleRaceIds(h.sql, athleteId)).toEqual(before);
    expect(await requestRunCancel(h.verbDb, runId)).toBe(false);
  });

  it("the mass-delete guard holds a refresh of an emptied history until an admin allows the removals", async () => {
    const athleteId = await backfilled(80);
    const before = await visibleRaceIds(h.sql, athleteId);
    for (const a of h.sim.activitiesOf(athleteId)) h.sim.deleteActivity(a.id);
    const run = await waitForRun(h, await startSync(h.ctx, { athleteId, mode: "full", trigger: "admin" }));
    expect(run.status).toBe("held");
    expect(run.error).toMatch(/mass-delete guard/);
    expect((run.summary as { would_delete: number[] }).would_delete).toHaveLength(before.length);
    expect(await visibleRaceIds(h.sql, athleteId)).toEqual(before);
    const { report } = await runDetail(run.id);
    expect(report).toMatchObject({ would_add: [], would_update: [] });
    expect(report.would_remove.map((r: { strava_activity_id: number }) => r.strava_activity_id).sort((a: number, b: number) => a - b)).toEqual(before);

    const confirmed = await waitForRun(h, await startSync(h.ctx, { athleteId, mode: "full", trigger: "admin", allowMassDelete: true }));
    expect(confirmed.status).toBe("succeeded");
    expect(await visibleRaceIds(h.sql, athleteId)).toEqual([]);
  });

  it("a dry run reports what it would insert, update and remove and changes nothing", async () => {
    const athleteId = await backfilled(120);
    const before = await h.sql`select * from races order by strava_activity_id`;
    const [gone, changed] = h.sim.racesOf(athleteId);
    const [goneName, storedName] = [gone!.name, changed!.name]; // as racesync stored them
    h.sim.deleteActivity(gone!.id);
    h.sim.updateActivity(changed!.id, { name: "Renamed Race" });
    const added = h.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1 });
    await h.sim.deliveries.idle();
    const run = await waitForRun(h, await startSync(h.ctx, { athleteId, mode: "full", trigger: "admin", dryRun: true }));
    expect(run.status).toBe("succeeded");
    expect(run.summary).toMatchObject({ dry_run: true, would_insert: [added.id], would_update: [changed!.id], would_delete: [gone!.id] });
    expect(await h.sql`select * from races order by strava_activity_id`).toEqual(before);
    expect((await runDetail(run.id)).report).toEqual({
      would_add: [added.id],
      would_update: [{ strava_activity_id: changed!.id, name: storedName, event_name: null }],
      would_remove: [{ strava_activity_id: gone!.id, name: goneName, event_name: null, reason: "gone from Strava" }],
    });
  });

  it("a run that changed what it found has no report", async () => {
    const athleteId = await backfilled(20);
    const run = await waitForRun(h, await startSync(h.ctx, { athleteId, mode: "reconcile", trigger: "admin" }));
    expect(run.status).toBe("succeeded");
    expect((await runDetail(run.id)).report).toBeNull();
  });
});
