import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requestRunCancel, startSync } from "../../src/sync/start.js";
import { startHistoryHarness, simRaceIds, type HistoryHarness } from "./harness.js";

const RUNS = ["Run", "TrailRun", "VirtualRun"];

describe("reconcile, full refresh, guard and dry run", () => {
  let h: HistoryHarness;
  beforeEach(async () => {
    h = await startHistoryHarness({ env: { RECONCILE_OVERLAP_S: String(30 * 86400) } });
  });
  afterEach(async () => h.close());

  async function backfilled(count: number) {
    await h.startWorker();
    const { athleteId, runId } = await h.connect({ count, raceShare: 0.3 });
    expect((await h.waitForRun(runId)).status).toBe("succeeded");
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
    await h.sim.deliveries.idle();
    await h.sim.deliveries.idle();
    await new Promise((r) => setTimeout(r, 1500)); // let the webhook jobs that did arrive finish
    expect(await h.raceIds(athleteId)).not.toEqual(simRaceIds(h.sim, athleteId));

    const runId = await startSync(h.ctx, { athleteId, mode: "reconcile", trigger: "admin" });
    const run = await h.waitForRun(runId);
    expect(run.status).toBe("succeeded");
    expect(await h.raceIds(athleteId)).toEqual(simRaceIds(h.sim, athleteId));
  });

  it("a full refresh keeps event names and a reader never sees the race count drop", async () => {
    const athleteId = await backfilled(450);
    const [first] = await h.raceIds(athleteId);
    await h.ctx.sql`update races set event_name = 'Club Championship' where strava_activity_id = ${first!}`;
    const expected = (await h.raceIds(athleteId)).length;
    let lowest = Infinity;
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const [row] = await h.ctx.sql<{ n: number }[]>`select count(*)::int as n from races where athlete_id = ${athleteId} and removed_at is null`;
        lowest = Math.min(lowest, row!.n);
      }
    })();
    const runId = await startSync(h.ctx, { athleteId, mode: "full", trigger: "admin" });
    const run = await h.waitForRun(runId);
    reading = false;
    await reader;
    expect(run.status).toBe("succeeded");
    expect(run.pages).toBe(3);
    expect(lowest).toBe(expected);
    const [race] = await h.ctx.sql<{ event_name: string }[]>`select event_name from races where strava_activity_id = ${first!}`;
    expect(race!.event_name).toBe("Club Championship");
  });

  it("a full refresh deletes vanished races and soft-removes races that stopped being races", async () => {
    const athleteId = await backfilled(100);
    const [gone, demoted] = h.sim.racesOf(athleteId);
    h.sim.deleteActivity(gone!.id);
    h.sim.updateActivity(demoted!.id, { workout_type: 0 });
    await h.ctx.sql`update races set event_name = 'Kept' where strava_activity_id = ${demoted!.id}`;
    const run = await h.waitForRun(await startSync(h.ctx, { athleteId, mode: "full", trigger: "admin" }));
    expect(run.races_removed).toBe(2);
    expect(await h.raceIds(athleteId)).toEqual(simRaceIds(h.sim, athleteId));
    const rows = await h.ctx.sql<{ id: string; removed: boolean; event_name: string | null }[]>`
      select strava_activity_id::text as id, removed_at is not null as removed, event_name from races
      where strava_activity_id in (${gone!.id}, ${demoted!.id})`;
    expect(rows).toEqual([{ id: String(demoted!.id), removed: true, event_name: "Kept" }]);
  });

  it("cancel stops a full refresh between pages and removes nothing", async () => {
    const athleteId = await backfilled(1000);
    const before = await h.raceIds(athleteId);
    h.sim.faults.apiLatency(300); // pages slow enough to cancel between them
    const runId = await startSync(h.ctx, { athleteId, mode: "full", trigger: "admin" });
    await h.waitForRun(runId, ["running"]);
    for (;;) {
      const [row] = await h.ctx.sql<{ pages: number }[]>`select pages from sync_runs where id = ${runId}`;
      if (row!.pages >= 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await requestRunCancel(h.ctx.sql, runId)).toBe(true);
    const run = await h.waitForRun(runId);
    expect(run.status).toBe("cancelled");
    expect(run.pages).toBeLessThan(5);
    expect(await h.raceIds(athleteId)).toEqual(before);
    expect(await requestRunCancel(h.ctx.sql, runId)).toBe(false);
  });

  it("the mass-delete guard holds a refresh of an emptied history until an admin allows the removals", async () => {
    const athleteId = await backfilled(80);
    const before = await h.raceIds(athleteId);
    for (const a of h.sim.activitiesOf(athleteId)) h.sim.deleteActivity(a.id);
    const run = await h.waitForRun(await startSync(h.ctx, { athleteId, mode: "full", trigger: "admin" }));
    expect(run.status).toBe("held");
    expect(run.error).toMatch(/mass-delete guard/);
    expect((run.summary as { would_delete: number[] }).would_delete).toHaveLength(before.length);
    expect(await h.raceIds(athleteId)).toEqual(before);

    const confirmed = await h.waitForRun(await startSync(h.ctx, { athleteId, mode: "full", trigger: "admin", allowMassDelete: true }));
    expect(confirmed.status).toBe("succeeded");
    expect(await h.raceIds(athleteId)).toEqual([]);
  });

  it("a dry run reports what it would insert, update and remove and changes nothing", async () => {
    const athleteId = await backfilled(120);
    const before = await h.ctx.sql`select * from races order by strava_activity_id`;
    const [gone, changed] = h.sim.racesOf(athleteId);
    h.sim.deleteActivity(gone!.id);
    h.sim.updateActivity(changed!.id, { name: "Renamed Race" });
    const added = h.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1 });
    await h.sim.deliveries.idle();
    const run = await h.waitForRun(await startSync(h.ctx, { athleteId, mode: "full", trigger: "admin", dryRun: true }));
    expect(run.status).toBe("succeeded");
    expect(run.summary).toMatchObject({ dry_run: true, would_insert: [added.id], would_update: [changed!.id], would_delete: [gone!.id] });
    expect(await h.ctx.sql`select * from races order by strava_activity_id`).toEqual(before);
  });
});
