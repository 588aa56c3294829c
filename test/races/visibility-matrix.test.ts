import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../src/config.js";
import type { Visibility } from "../../src/contract/races.js";
import { createRun } from "../../src/history/runs.js";
import { createLog } from "../../src/log.js";
import { applyActivity, publishRace } from "../../src/races/store.js";
import { startFeedListener, type FeedListener } from "../../src/stream/listener.js";
import { ADMIN_BEARER } from "../support/callers.js";
import { startHarness, type Harness } from "../support/harness.js";
import { raceActivity } from "../support/races.js";
import { Browser, signIn } from "../support/sign-in.js";
import { readSse } from "../support/sse.js";

// Who sees which race, written out by hand. ✓ = shown, · = not shown, 401 = the request is refused.
// Columns are DASHBOARD_VISIBILITY. "owner" is the race's own athlete signed in (a blocked or revoked
// athlete's session no longer works, so they look like an anonymous visitor). "revoked" athletes
// disconnected: their races are deleted, so nobody sees them, admins included.
const RACES = {
  anonymous: `
    athlete    visibility      public members self
    consented  everyone        ✓      401     401
    consented  followers_only  ·      401     401
    consented  only_me         ·      401     401
    not_asked  everyone        ·      401     401
    not_asked  followers_only  ·      401     401
    not_asked  only_me         ·      401     401
    hidden     everyone        ·      401     401
    hidden     followers_only  ·      401     401
    hidden     only_me         ·      401     401
    blocked    everyone        ·      401     401
    blocked    followers_only  ·      401     401
    blocked    only_me         ·      401     401
    revoked    everyone        ·      401     401
    revoked    followers_only  ·      401     401
    revoked    only_me         ·      401     401`,
  member: `
    athlete    visibility      public members self
    consented  everyone        ✓      ✓       ·
    consented  followers_only  ·      ·       ·
    consented  only_me         ·      ·       ·
    not_asked  everyone        ·      ·       ·
    not_asked  followers_only  ·      ·       ·
    not_asked  only_me         ·      ·       ·
    hidden     everyone        ·      ·       ·
    hidden     followers_only  ·      ·       ·
    hidden     only_me         ·      ·       ·
    blocked    everyone        ·      ·       ·
    blocked    followers_only  ·      ·       ·
    blocked    only_me         ·      ·       ·
    revoked    everyone        ·      ·       ·
    revoked    followers_only  ·      ·       ·
    revoked    only_me         ·      ·       ·`,
  owner: `
    athlete    visibility      public members self
    consented  everyone        ✓      ✓       ✓
    consented  followers_only  ✓      ✓       ✓
    consented  only_me         ✓      ✓       ✓
    not_asked  everyone        ✓      ✓       ✓
    not_asked  followers_only  ✓      ✓       ✓
    not_asked  only_me         ✓      ✓       ✓
    hidden     everyone        ✓      ✓       ✓
    hidden     followers_only  ✓      ✓       ✓
    hidden     only_me         ✓      ✓       ✓
    blocked    everyone        ·      401     401
    blocked    followers_only  ·      401     401
    blocked    only_me         ·      401     401
    revoked    everyone        ·      401     401
    revoked    followers_only  ·      401     401
    revoked    only_me         ·      401     401`,
  admin: `
    athlete    visibility      public members self
    consented  everyone        ✓      ✓       ✓
    consented  followers_only  ✓      ✓       ✓
    consented  only_me         ✓      ✓       ✓
    not_asked  everyone        ✓      ✓       ✓
    not_asked  followers_only  ✓      ✓       ✓
    not_asked  only_me         ✓      ✓       ✓
    hidden     everyone        ✓      ✓       ✓
    hidden     followers_only  ✓      ✓       ✓
    hidden     only_me         ✓      ✓       ✓
    blocked    everyone        ✓      ✓       ✓
    blocked    followers_only  ✓      ✓       ✓
    blocked    only_me         ✓      ✓       ✓
    revoked    everyone        ·      ·       ·
    revoked    followers_only  ·      ·       ·
    revoked    only_me         ·      ·       ·`,
};

// GET /api/athletes (members only, whatever the mode): the race count shown for each athlete,
// · when the athlete is not listed at all.
const ATHLETES = {
  anonymous: `
    athlete    public members self
    consented  401    401     401
    not_asked  401    401     401
    hidden     401    401     401
    blocked    401    401     401
    revoked    401    401     401`,
  member: `
    athlete    public members self
    consented  1      1       ·
    not_asked  ·      ·       ·
    hidden     ·      ·       ·
    blocked    ·      ·       ·
    revoked    ·      ·       ·`,
  owner: `
    athlete    public members self
    consented  3      3       3
    not_asked  3      3       3
    hidden     3      3       3
    blocked    401    401     401
    revoked    401    401     401`,
  admin: `
    athlete    public members self
    consented  3      3       3
    not_asked  3      3       3
    hidden     3      3       3
    blocked    3      3       3
    revoked    ·      ·       ·`,
};

const STATES = ["consented", "not_asked", "hidden", "blocked", "revoked"] as const;
const VISIBILITIES: Visibility[] = ["everyone", "followers_only", "only_me"];
const MODES = ["public", "members", "self"] as const;
type State = (typeof STATES)[number];
type Mode = (typeof MODES)[number];
type ViewerKind = keyof typeof RACES;
type Cell = "✓" | "·" | "401" | `${number}`;

/** "athlete visibility public members self" rows → cell lookup by the row's leading keys and the mode. */
function parseTable(text: string): (keys: string[], mode: Mode) => Cell {
  const [header, ...rows] = text.trim().split("\n").map((line) => line.trim().split(/\s+/));
  const keyCount = header!.length - MODES.length;
  const cells = new Map(rows.map((r) => [r.slice(0, keyCount).join(" "), r.slice(keyCount)]));
  return (keys, mode) => {
    const row = cells.get(keys.join(" "));
    if (!row) throw new Error(`no row for ${keys.join(" ")}`);
    return row[header!.slice(keyCount).indexOf(mode)] as Cell;
  };
}
const racesSeen = Object.fromEntries(Object.entries(RACES).map(([k, t]) => [k, parseTable(t)])) as Record<ViewerKind, ReturnType<typeof parseTable>>;
const athletesSeen = Object.fromEntries(Object.entries(ATHLETES).map(([k, t]) => [k, parseTable(t)])) as Record<ViewerKind, ReturnType<typeof parseTable>>;

const ADMIN_ID = 7_400_001;
let h: Harness;
let feed: FeedListener;
const owners = {} as Record<State, { id: number; browser: Browser }>;
const raceIds = {} as Record<State, Record<Visibility, number>>;
let member: { id: number; browser: Browser };
let admin: { id: number; browser: Browser };
let sentinel: number; // an everyone race of one more consented athlete, published last

beforeAll(async () => {
  h = await startHarness({ env: { ADMIN_ATHLETE_IDS: String(ADMIN_ID) } });
  feed = await startFeedListener(h.db.url, createLog("silent"));
  h.rebuild({ feed });
  member = await signedIn(h.sim.seedAthlete({ firstname: "Member" }).id, true);
  admin = await signedIn(h.sim.seedAthlete({ id: ADMIN_ID, firstname: "Admin" }).id, true);
  for (const state of STATES) {
    owners[state] = await signedIn(h.sim.seedAthlete({ firstname: state }).id, state !== "not_asked");
    raceIds[state] = {} as Record<Visibility, number>;
    for (const visibility of VISIBILITIES) {
      const activity = raceActivity(owners[state].id, { visibility, private: visibility === "only_me", name: `${state} ${visibility}` });
      await applyActivity(h.verbDb, activity);
      raceIds[state][visibility] = activity.id;
    }
  }
  const extra = await signedIn(h.sim.seedAthlete({ firstname: "Sentinel" }).id, true);
  const sentinelRace = raceActivity(extra.id);
  await applyActivity(h.verbDb, sentinelRace);
  sentinel = sentinelRace.id;
  await adminPatch(owners.hidden.id, { is_hidden: true });
  await adminPatch(owners.blocked.id, { is_blocked: true });
  expect((await owners.revoked.browser.request("/auth/strava/disconnect", { method: "POST" })).status).toBe(204);
});
afterAll(async () => {
  h.config.dashboardVisibility = "members";
  await feed.close();
  await h.close();
});

/** Signs in through OAuth and keeps a copy of the session cookie (a disconnect clears the jar). */
async function signedIn(athleteId: number, consent: boolean) {
  const browser = await signIn(h, athleteId);
  if (consent) expect((await browser.json("/api/me", "PATCH", { share_on_board: true })).status).toBe(200);
  const saved = new Browser(h);
  saved.cookies = new Map(browser.cookies);
  return { id: athleteId, browser: saved };
}

async function adminPatch(athleteId: number, flags: Record<string, boolean>) {
  const res = await new Browser(h).request(`/api/admin/athletes/${athleteId}`, {
    method: "PATCH", headers: { ...ADMIN_BEARER, "content-type": "application/json" }, body: JSON.stringify(flags),
  });
  expect(res.status).toBe(200);
}

/** The viewers that look at `rows` of the table, each with the browser they look through. */
function viewers(): Array<{ kind: ViewerKind; browser: Browser; rows: State[]; self: number | null; signedIn: boolean }> {
  const sessionEnded = (state: State) => state === "blocked" || state === "revoked";
  return [
    { kind: "anonymous", browser: new Browser(h), rows: [...STATES], self: null, signedIn: false },
    { kind: "member", browser: member.browser, rows: [...STATES], self: member.id, signedIn: true },
    { kind: "admin", browser: admin.browser, rows: [...STATES], self: admin.id, signedIn: true },
    ...STATES.map((state) => ({ kind: "owner" as const, browser: owners[state].browser, rows: [state], self: owners[state].id, signedIn: !sessionEnded(state) })),
  ];
}

/** The races the table shows `kind` in `mode` among `rows`, or 401. */
function expectedRaces(kind: ViewerKind, rows: State[], mode: Mode): Set<number> | 401 {
  const cells = rows.flatMap((state) => VISIBILITIES.map((v) => [raceIds[state][v], racesSeen[kind]([state, v], mode)] as const));
  if (cells.some(([, cell]) => cell === "401")) return 401;
  return new Set(cells.filter(([, cell]) => cell === "✓").map(([id]) => id));
}

const matrixIds = () => new Set(STATES.flatMap((s) => VISIBILITIES.map((v) => raceIds[s][v])));

describe.each(MODES)("DASHBOARD_VISIBILITY=%s", (mode) => {
  const setMode = () => void (h.config.dashboardVisibility = mode as Config["dashboardVisibility"]);

  it("GET /api/races shows each viewer exactly the races of the table", async () => {
    setMode();
    for (const v of viewers()) {
      const res = await v.browser.request("/api/races?limit=200");
      const expected = expectedRaces(v.kind, v.rows, mode);
      const label = `${v.kind} ${v.rows.join(",")}`;
      if (expected === 401) {
        expect(res.status, label).toBe(401);
        continue;
      }
      expect(res.status, label).toBe(200);
      const shown = ((await res.json()) as { races: Array<{ strava_activity_id: number }> }).races.map((r) => r.strava_activity_id);
      const mine = new Set(shown.filter((id) => matrixIds().has(id) && v.rows.some((s) => Object.values(raceIds[s]).includes(id))));
      expect(mine, label).toEqual(expected);
    }
  });

  it("GET /api/athletes lists each viewer the athletes and race counts of the table", async () => {
    setMode();
    for (const v of viewers()) {
      const res = await v.browser.request("/api/athletes");
      const cells = v.rows.map((state) => [state, athletesSeen[v.kind]([state], mode)] as const);
      const label = `${v.kind} ${v.rows.join(",")}`;
      if (cells.some(([, cell]) => cell === "401")) {
        expect(res.status, label).toBe(401);
        continue;
      }
      expect(res.status, label).toBe(200);
      const listed = new Map(((await res.json()) as { athletes: Array<{ strava_id: number; race_count: number }> }).athletes.map((a) => [a.strava_id, a.race_count]));
      for (const [state, cell] of cells) {
        expect(listed.get(owners[state].id), `${label}: ${state}`).toBe(cell === "·" ? undefined : Number(cell));
      }
    }
  });

  it("the change feed sends each viewer exactly the races of the table", async () => {
    setMode();
    const open = [];
    for (const v of viewers()) {
      const res = await v.browser.request("/api/stream");
      const expected = expectedRaces(v.kind, v.rows, mode);
      if (expected === 401) {
        expect(res.status, `${v.kind} ${v.rows.join(",")}`).toBe(401);
        continue;
      }
      expect(res.status).toBe(200);
      open.push({ ...v, expected, stream: readSse(res) });
    }
    for (const state of STATES) for (const v of VISIBILITIES) await publishRace(h.verbDb, raceIds[state][v]);
    await publishRace(h.verbDb, sentinel);
    for (const v of open) if (v.signedIn) await createRun(h.verbDb, { athleteId: v.self!, kind: "reconcile", trigger: "cron" });

    for (const v of open) {
      // Read up to the viewer's own sync progress (anonymous and dead sessions: the sentinel race).
      const sent = new Set<number>();
      for (;;) {
        const message = await v.stream.next();
        if (v.signedIn && message.event === "sync.progress" && message.data.athlete_strava_id === v.self) break;
        if (!v.signedIn && message.data.strava_activity_id === sentinel) break;
        expect(message.event, "only upserts were published").not.toBe("race.removed");
        if (message.event === "race.upserted" && matrixIds().has(message.data.strava_activity_id)) sent.add(message.data.strava_activity_id);
      }
      const owned = new Set([...sent].filter((id) => v.rows.some((s) => Object.values(raceIds[s]).includes(id))));
      expect(owned, `${v.kind} ${v.rows.join(",")}`).toEqual(v.expected);
      await v.stream.cancel();
    }
  });
});
