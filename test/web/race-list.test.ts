import { describe, expect, it } from "vitest";
import { bestTimesOverTime, racesPerMonth, timeTicks } from "../../web/src/charts/chart-data.js";
import { appendLog, upsertRun } from "../../web/src/admin/runs.js";
import { appendPage, EMPTY_FILTERS, matchesFilters, presetOf, toQuery, upsertRace } from "../../web/src/races/filters.js";
import type { Race, SyncRun } from "../../web/src/types.js";

let nextId = 1;
function race(over: Partial<Race> & { day: string }): Race {
  const { day, ...rest } = over;
  return {
    strava_activity_id: nextId++,
    athlete: { strava_id: 1, name: "Ana" },
    name: "Race",
    event_name: null,
    sport_type: "Run",
    distance: 5000,
    moving_time: 1200,
    elapsed_time: 1210,
    total_elevation_gain: 10,
    start_date: `${day}T09:00:00Z`,
    start_date_local: `${day}T10:00:00Z`,
    timezone: null,
    average_heartrate: null,
    max_heartrate: null,
    visibility: "everyone",
    on_board: true,
    ...rest,
  };
}

describe("distance presets", () => {
  it("map to min/max meters with tolerance, and 'other' to no server filter", () => {
    expect(toQuery({ ...EMPTY_FILTERS, distance: "5k" })).toEqual({ min_distance: 4800, max_distance: 5500 });
    expect(toQuery({ ...EMPTY_FILTERS, distance: "other", athleteId: 7, from: "2026-01-01" })).toEqual({ athlete_id: 7, from: "2026-01-01" });
    expect(presetOf(5080)).toBe("5k");
    expect(presetOf(21300)).toBe("half");
    expect(presetOf(15000)).toBeNull();
  });
  it("'other' matches only non-standard distances", () => {
    const f = { ...EMPTY_FILTERS, distance: "other" as const };
    expect(matchesFilters(race({ day: "2026-01-01", distance: 15000 }), f)).toBe(true);
    expect(matchesFilters(race({ day: "2026-01-01", distance: 10000 }), f)).toBe(false);
  });
  it("date filters are inclusive local days", () => {
    const r = race({ day: "2026-03-08" });
    expect(matchesFilters(r, { ...EMPTY_FILTERS, from: "2026-03-08", to: "2026-03-08" })).toBe(true);
    expect(matchesFilters(r, { ...EMPTY_FILTERS, from: "2026-03-09" })).toBe(false);
  });
});

describe("live race list", () => {
  const a = race({ day: "2026-05-01" });
  const b = race({ day: "2026-04-01" });
  const c = race({ day: "2026-03-01" });

  it("inserts a new race in newest-first position", () => {
    const mid = race({ day: "2026-04-15" });
    expect(upsertRace([a, b, c], mid, EMPTY_FILTERS, true).map((r) => r.strava_activity_id)).toEqual([a, mid, b, c].map((r) => r.strava_activity_id));
  });
  it("replaces an updated race and moves it if its date changed", () => {
    const moved = { ...a, start_date: "2026-02-01T09:00:00Z", start_date_local: "2026-02-01T10:00:00Z" };
    expect(upsertRace([a, b, c], moved, EMPTY_FILTERS, true).map((r) => r.strava_activity_id)).toEqual([b, c, a].map((r) => r.strava_activity_id));
  });
  it("drops a race that no longer matches the filters", () => {
    const f = { ...EMPTY_FILTERS, distance: "5k" as const };
    expect(upsertRace([a, b], { ...a, distance: 10000 }, f, true)).toEqual([b]);
  });
  it("leaves a race older than the loaded page to 'Load more'", () => {
    const old = race({ day: "2025-01-01" });
    expect(upsertRace([a, b], old, EMPTY_FILTERS, false)).toEqual([a, b]);
    expect(upsertRace([a, b], old, EMPTY_FILTERS, true)).toEqual([a, b, old]);
  });
  it("does not duplicate a race that arrived live before its page", () => {
    expect(appendPage([a, b], [b, c])).toEqual([a, b, c]);
  });
});

describe("charts", () => {
  it("counts races per month with empty months filled in", () => {
    const list = [race({ day: "2026-01-05" }), race({ day: "2026-01-20" }), race({ day: "2026-03-02" })];
    expect(racesPerMonth(list)).toEqual([
      { key: "2026-01", count: 2 },
      { key: "2026-02", count: 0 },
      { key: "2026-03", count: 1 },
    ]);
    expect(racesPerMonth([])).toEqual([]);
  });
  it("tracks each athlete's running personal best per distance", () => {
    const list = [
      race({ day: "2026-01-01", elapsed_time: 1300 }),
      race({ day: "2026-02-01", elapsed_time: 1350 }), // slower: not a new best
      race({ day: "2026-03-01", elapsed_time: 1250 }),
      race({ day: "2026-03-01", elapsed_time: 3000, distance: 10000 }),
      race({ day: "2026-04-01", elapsed_time: 1400, athlete: { strava_id: 2, name: "Ben" } }),
    ];
    const series = bestTimesOverTime(list, "5k");
    expect(series.map((s) => s.athlete)).toEqual(["Ana", "Ben"]);
    expect(series[0]!.points.map((p) => p.seconds)).toEqual([1300, 1250]);
  });
  it("scales time to the exact standard distance", () => {
    const [s] = bestTimesOverTime([race({ day: "2026-01-01", distance: 5100, elapsed_time: 1020 })], "5k");
    expect(s!.points[0]!.seconds).toBeCloseTo(1000);
  });
  it("puts time ticks on round clock values", () => {
    expect(timeTicks(1150, 1700, 3)).toEqual([1200, 1500]);
  });
});

describe("sync monitor", () => {
  const run = (id: number, over: Partial<SyncRun> = {}): SyncRun => ({
    id, athlete_strava_id: 1, kind: "backfill", trigger: "signup", status: "running", dry_run: false, allow_mass_delete: false,
    pages: 0, activities_seen: 0, races_upserted: 0, races_removed: 0, api_calls: 0, estimated_total: null, eta_seconds: null, error: null, summary: null,
    created_at: "2026-01-01T00:00:00Z", started_at: `2026-01-01T00:0${id}:00Z`, finished_at: null, ...over,
  });
  it("merges progress into a known run and adds new runs on top", () => {
    const list = upsertRun([run(1)], run(1, { pages: 3 }));
    expect(list[0]!.pages).toBe(3);
    expect(upsertRun(list, run(2)).map((r) => r.id)).toEqual([2, 1]);
  });
  it("appends live log lines once", () => {
    const line = { id: 5, run_id: 1, at: "2026-01-01T00:00:00Z", level: "info" as const, message: "page 1", metadata: null };
    expect(appendLog(appendLog([], line), line)).toHaveLength(1);
  });
});
