import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { routeSpecs } from "../../src/app.js";
import type { RouteSpec } from "../../src/contract/api.js";
import { openApiPath, splitRouteKey } from "../../src/http/openapi.js";
import { VALIDATES, type Validation } from "../../src/http/validate.js";
import { healthRoutes } from "../../src/ops/health.js";
import { applyActivity } from "../../src/races/store.js";
import type { FeedListener } from "../../src/stream/listener.js";
import { ADMIN_BEARER } from "../support/callers.js";
import { startHarness, type Harness } from "../support/harness.js";
import { raceActivity } from "../support/races.js";

/** design.md's HTTP contract table, as this service serves it (the webhook at its current path). */
const DESIGN_ROUTES = [
  "GET /webhooks/strava/:secret",
  "POST /webhooks/strava/:secret",
  "GET /auth/strava/login",
  "GET /auth/strava/callback",
  "POST /auth/logout",
  "POST /auth/strava/disconnect",
  "PATCH /api/me",
  "GET /api/me",
  "GET /api/me/export",
  "GET /api/openapi.json",
  "GET /api/races",
  "PATCH /api/races/:stravaActivityId",
  "GET /api/athletes",
  "GET /api/stream",
  "GET /api/admin/athletes",
  "PATCH /api/admin/athletes/:stravaId",
  "POST /api/admin/athletes/:stravaId/sync",
  "POST /api/admin/athletes/:stravaId/sync/stop",
  "POST /api/admin/reconcile",
  "GET /api/admin/sync-runs",
  "GET /api/admin/sync-runs/:id",
  "GET /api/admin/queue",
  "GET /api/admin/rate-limit",
  "GET /api/admin/webhook-events",
  "GET /healthz",
  "GET /readyz",
  "GET /metrics",
  "GET /api/openapi.json",
];

const idleFeed: FeedListener = { subscribe: () => () => {}, subscriberCount: () => 0, close: async () => {} };

type Operation = {
  parameters: Array<{ name: string; in: string; required: boolean; schema: object }>;
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

let h: Harness;
let doc: Document;

beforeAll(async () => {
  h = await startHarness();
  h.rebuild({ feed: idleFeed }); // with the change feed, as the web role serves it
  const res = await h.app.request("/api/openapi.json");
  expect(res.status).toBe(200);
  doc = (await res.json()) as Document;
});
afterAll(() => h.close());

/** Every route the web role serves, by "METHOD path", with the handlers (middleware included) hono holds for it. */
function servedRoutes(): Map<string, unknown[]> {
  const served = new Map<string, unknown[]>();
  const probes = healthRoutes({ phase: "ready" }).routes; // answered by the HTTP front before the app
  for (const r of [...h.app.routes, ...probes]) {
    if (r.method === "ALL" || r.path === "/*") continue; // middleware, and the dashboard's files
    const key = `${r.method} ${r.path}`;
    served.set(key, [...(served.get(key) ?? []), r.handler]);
  }
  return served;
}

const operationOf = (key: string): Operation | undefined => {
  const { method, path } = splitRouteKey(key);
  return doc.paths[openApiPath(path)]?.[method.toLowerCase()];
};

describe("GET /api/openapi.json", () => {
  it("is an OpenAPI 3.1 document of exactly the routes the service serves", () => {
    expect(doc.openapi).toBe("3.1.0");
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const served = [...servedRoutes().keys()].map((key) => {
      const { method, path } = splitRouteKey(key);
      return `${method} ${openApiPath(path)}`;
    });
    expect(documented.sort()).toEqual(served.sort());
  });

  it("has every route of design.md's HTTP contract table", () => {
    for (const key of DESIGN_ROUTES) expect(operationOf(key), key).toBeDefined();
  });

  it("gives every JSON route its response schema and every input its request schema", () => {
    for (const [key, spec] of Object.entries(routeSpecs)) {
      const op = operationOf(key)!;
      const success = op.responses[String(spec.status ?? 200)];
      if (spec.response) expect(success?.content?.["application/json"]?.schema, key).toMatchObject({ type: "object" });
      if (spec.body) expect(op.requestBody?.content["application/json"]?.schema, key).toMatchObject({ type: "object" });
      const pathParams = [...splitRouteKey(key).path.matchAll(/:(\w+)/g)].map((m) => m[1]);
      expect(op.parameters.filter((p) => p.in === "path").map((p) => p.name), key).toEqual(pathParams);
      if (spec.params || spec.query || spec.body) expect(op.responses["400"], key).toBeDefined();
    }
    const races = operationOf("GET /api/races")!;
    expect(races.parameters.find((p) => p.name === "limit")).toMatchObject({ in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 200 } });
  });

  it("documents the very schemas the routes validate with, and every input is validated", () => {
    for (const [key, handlers] of servedRoutes()) {
      const spec: RouteSpec = routeSpecs[key]!;
      const checked = handlers.flatMap((handler) => ((handler as { [VALIDATES]?: Validation })[VALIDATES] ?? []) as Validation[]);
      if (spec.parsedByHand) {
        expect(checked, key).toEqual([]);
        continue;
      }
      const byPart = new Map<string, z.ZodType>(checked.map((v) => [v.part, v.schema]));
      expect(byPart.get("param"), `${key} params`).toBe(spec.params);
      expect(byPart.get("query"), `${key} query`).toBe(spec.query);
      expect(byPart.get("json"), `${key} body`).toBe(spec.body);
    }
  });
});

describe("requests that violate the schema", () => {
  const admin = (path: string, method: string, body: string, contentType = "application/json") =>
    h.app.request(path, { method, headers: { ...ADMIN_BEARER, "content-type": contentType }, body });
  const errorOf = async (res: Response) => ({ status: res.status, error: ((await res.json()) as { error: Record<string, unknown> }).error });

  it("get 400 naming the field, and nothing is written", async () => {
    const athlete = await h.connect();
    const race = raceActivity(athlete.athleteId);
    await applyActivity(h.verbDb, race);
    const runsBefore = await h.sql`select count(*)::int as n from sync_runs`;

    const flags = await errorOf(await admin(`/api/admin/athletes/${athlete.athleteId}`, "PATCH", JSON.stringify({ is_hidden: "yes" })));
    expect(flags).toMatchObject({ status: 400, error: { code: "VALIDATION", field: "is_hidden", message: expect.stringContaining("is_hidden") } });
    const sync = await errorOf(await admin(`/api/admin/athletes/${athlete.athleteId}/sync`, "POST", JSON.stringify({ mode: "everything" })));
    expect(sync).toMatchObject({ status: 400, error: { code: "VALIDATION", field: "mode" } });
    const eventName = await errorOf(await admin(`/api/races/${race.id}`, "PATCH", JSON.stringify({ event_name: "x".repeat(201) })));
    expect(eventName).toMatchObject({ status: 400, error: { code: "VALIDATION", field: "event_name" } });
    const unknownKey = await errorOf(await admin(`/api/races/${race.id}`, "PATCH", JSON.stringify({ event_name: "Berlin", extra: 1 })));
    expect(unknownKey).toMatchObject({ status: 400, error: { code: "VALIDATION" } });

    const [stored] = await h.sql`select a.is_hidden, r.event_name from athletes a join races r on r.athlete_id = a.strava_id where r.strava_activity_id = ${race.id}`;
    expect(stored).toEqual({ is_hidden: false, event_name: null });
    expect(await h.sql`select count(*)::int as n from sync_runs`).toEqual(runsBefore);
  });

  it("get 400 for a body that is not JSON, or not sent as JSON", async () => {
    const athlete = await h.connect();
    const path = `/api/admin/athletes/${athlete.athleteId}`;
    expect(await errorOf(await admin(path, "PATCH", "{is_hidden: true"))).toMatchObject({ status: 400, error: { code: "VALIDATION", message: "the request body must be JSON" } });
    expect(await errorOf(await admin(path, "PATCH", JSON.stringify({ is_hidden: true }), "text/plain"))).toMatchObject({ status: 400, error: { code: "VALIDATION" } });
    const [row] = await h.sql`select is_hidden from athletes where strava_id = ${athlete.athleteId}`;
    expect(row).toEqual({ is_hidden: false });
  });

  it("get 400 for bad path parameters and query filters", async () => {
    const get = (path: string) => h.app.request(path, { headers: ADMIN_BEARER });
    expect(await errorOf(await get("/api/admin/sync-runs/abc"))).toMatchObject({ status: 400, error: { code: "VALIDATION", field: "id" } });
    expect(await errorOf(await get("/api/races?limit=0"))).toMatchObject({ status: 400, error: { code: "VALIDATION", field: "limit" } });
    expect(await errorOf(await get("/api/races?from=yesterday"))).toMatchObject({ status: 400, error: { code: "VALIDATION", field: "from" } });
    expect(await errorOf(await get("/api/admin/webhook-events?limit=501"))).toMatchObject({ status: 400, error: { code: "VALIDATION", field: "limit" } });
  });

  it("asks who is calling before it looks at the body", async () => {
    const res = await h.app.request("/api/me", { method: "PATCH", headers: { "content-type": "application/json" }, body: "not json" });
    expect(res.status).toBe(401);
    const admin = await h.app.request("/api/admin/athletes/1", { method: "PATCH", headers: { "content-type": "application/json" }, body: "{}" });
    expect(admin.status).toBe(401);
  });
});

describe("answers", () => {
  it("fit their documented schemas", async () => {
    const { runId } = await h.connect();
    const paths: Record<string, string> = {
      "GET /api/admin/athletes": "/api/admin/athletes",
      "GET /api/admin/queue": "/api/admin/queue",
      "GET /api/admin/rate-limit": "/api/admin/rate-limit",
      "GET /api/admin/sync-runs": "/api/admin/sync-runs",
      "GET /api/admin/sync-runs/:id": `/api/admin/sync-runs/${runId}`,
      "GET /api/admin/webhook-events": "/api/admin/webhook-events",
      "GET /api/races": "/api/races",
      "GET /api/athletes": "/api/athletes",
      "GET /api/openapi.json": "/api/openapi.json",
    };
    for (const [key, path] of Object.entries(paths)) {
      const res = await h.app.request(path, { headers: ADMIN_BEARER });
      expect(res.status, key).toBe(200);
      const parsed = routeSpecs[key]!.response!.safeParse(await res.json());
      expect(parsed.error, key).toBeUndefined();
    }
  });
});
