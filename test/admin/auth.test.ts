import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../support/stack.js";
import { call, headersFor, type Caller } from "./helpers.js";

/** Every admin route, with a request that is valid apart from who sends it. */
const ROUTES: Array<[string, (ids: { member: number }) => string, unknown?]> = [
  ["GET", () => "/api/admin/athletes"],
  ["PATCH", (ids) => `/api/admin/athletes/${ids.member}`, { is_hidden: false }],
  ["POST", (ids) => `/api/admin/athletes/${ids.member}/sync`, { mode: "reconcile", dry_run: true }],
  ["POST", (ids) => `/api/admin/athletes/${ids.member}/sync/stop`],
  ["POST", () => "/api/admin/reconcile"],
  ["GET", () => "/api/admin/sync-runs"],
  ["GET", () => "/api/admin/sync-runs/1"],
  ["GET", () => "/api/admin/queue"],
  ["POST", () => "/api/admin/queue/jobs/1/retry"],
  ["GET", () => "/api/admin/rate-limit"],
  ["GET", () => "/api/admin/webhook-events"],
  ["POST", () => "/api/admin/webhook-events/1/replay"],
];

let stack: TestStack;
let ids: { member: number; admin: number };

beforeAll(async () => {
  stack = await startTestStack({ role: "web" });
  const member = await stack.connect();
  const admin = await stack.connect();
  await stack.db.sql`update athletes set is_admin = true where strava_id = ${admin}`;
  ids = { member, admin };
});
afterAll(() => stack.stop());

const EXPECTED: Array<[Caller, (status: number) => boolean, string]> = [
  ["anonymous", (s) => s === 401, "401"],
  ["member", (s) => s === 403, "403"],
  ["admin-session", (s) => s !== 401 && s !== 403 && s < 500, "allowed"],
  ["admin-token", (s) => s !== 401 && s !== 403 && s < 500, "allowed"],
];

describe("admin API authorization", () => {
  for (const [method, path, body] of ROUTES) {
    for (const [caller, ok, label] of EXPECTED) {
      it(`${method} ${path({ member: 0 }).replace("/0", "/:stravaId")} as ${caller} → ${label}`, async () => {
        const res = await call(stack.url, method, path(ids), headersFor(caller, stack.config, ids), body);
        expect(ok(res.status), `status ${res.status}: ${JSON.stringify(res.json)}`).toBe(true);
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
