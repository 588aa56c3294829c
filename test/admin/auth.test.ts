import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addJob } from "../../src/db/jobs.js";
import { call, headersFor, type Caller } from "../support/callers.js";
import { startTestStack, type TestStack } from "../support/stack.js";
import { postEvent } from "./helpers.js";

/** What the admin routes below act on: records that exist, so an allowed request finds its target. */
type Targets = Record<"member" | "run" | "failedJob" | "event", number | string>;
const PLACEHOLDERS: Targets = { member: ":stravaId", run: ":id", failedJob: ":id", event: ":id" };

/**
 * Every admin route, with a request that is valid apart from who sends it, and the statuses an
 * admin gets: the route's success, or an answer it documents for a valid request (never a 404, so
 * a route that no longer exists fails).
 */
const ROUTES: Array<{ method: string; path: (t: Targets) => string; body?: unknown; allowed: number[] }> = [
  { method: "GET", path: () => "/api/admin/athletes", allowed: [200] },
  { method: "PATCH", path: (t) => `/api/admin/athletes/${t.member}`, body: { is_hidden: false }, allowed: [200] },
  { method: "POST", path: (t) => `/api/admin/athletes/${t.member}/sync`, body: { mode: "reconcile", dry_run: true }, allowed: [202] },
  { method: "POST", path: (t) => `/api/admin/athletes/${t.member}/sync/stop`, allowed: [200] },
  { method: "GET", path: () => "/api/admin/reconcile/preview", allowed: [200] },
  { method: "POST", path: () => "/api/admin/reconcile", allowed: [202] },
  { method: "GET", path: () => "/api/admin/sync-runs", allowed: [200] },
  { method: "GET", path: (t) => `/api/admin/sync-runs/${t.run}`, allowed: [200] },
  { method: "GET", path: () => "/api/admin/queue", allowed: [200] },
  // 409: the first admin's retry already gave the job a fresh set of attempts.
  { method: "POST", path: (t) => `/api/admin/queue/jobs/${t.failedJob}/retry`, allowed: [200, 409] },
  { method: "GET", path: () => "/api/admin/rate-limit", allowed: [200] },
  { method: "GET", path: () => "/api/admin/webhook-events", allowed: [200] },
  { method: "POST", path: (t) => `/api/admin/webhook-events/${t.event}/replay`, allowed: [202] },
];

const ADMIN_ID = 7_300_001;
let stack: TestStack;
let ids: { member: number; admin: number };
let targets: Targets;

beforeAll(async () => {
  stack = await startTestStack({ role: "web", env: { ADMIN_ATHLETE_IDS: String(ADMIN_ID) } });
  const member = await stack.connect();
  const admin = await stack.connect({ athleteId: stack.sim.seedAthlete({ id: ADMIN_ID }).id });
  ids = { member, admin };
  const [run] = await stack.sql<{ id: number }[]>`select id::int from sync_runs where athlete_id = ${member}`;
  const failedJob = await addJob(stack.verbDb, "maintenance", {}, { maxAttempts: 1 });
  await stack.sql`update graphile_worker._private_jobs set attempts = 1, last_error = 'failed for the test' where id = ${failedJob}`;
  await postEvent(stack, { object_id: 42, owner_id: member });
  const [event] = await stack.sql<{ id: number }[]>`select id::int from webhook_events where object_id = 42`;
  targets = { member, run: run!.id, failedJob, event: event!.id };
});
afterAll(() => stack.stop());

const EXPECTED: Array<[Caller, (status: number, allowed: number[]) => boolean, string]> = [
  ["anonymous", (s) => s === 401, "401"],
  ["member", (s) => s === 403, "403"],
  ["admin-session", (s, allowed) => allowed.includes(s), "allowed"],
  ["admin-token", (s, allowed) => allowed.includes(s), "allowed"],
];

describe("admin API authorization", () => {
  for (const { method, path, body, allowed } of ROUTES) {
    for (const [caller, ok, label] of EXPECTED) {
      it(`${method} ${path(PLACEHOLDERS)} as ${caller} → ${label}`, async () => {
        const res = await call(stack.url, method, path(targets), headersFor(caller, stack.config, ids), body);
        expect(ok(res.status, allowed), `status ${res.status}: ${JSON.stringify(res.json)}`).toBe(true);
        if (res.status === 401) expect(res.json.error.code).toBe("UNAUTHENTICATED");
        if (res.status === 403) expect(res.json.error.code).toBe("FORBIDDEN");
      });
    }
  }

  it("a wrong bearer token is anonymous", async () => {
    const res = await call(stack.url, "GET", "/api/admin/athletes", { authorization: "Bearer not-the-admin-token-at-all" });
    expect(res.status).toBe(401);
  });
});
