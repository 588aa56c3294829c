import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer, type HttpServer } from "../../src/server.js";
import type { ServiceState } from "../../src/lifecycle/lifecycle.js";
import { StartupError } from "../../src/lifecycle/startup-error.js";
import { migrationsCurrent } from "../../src/db/migrate.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

describe("the HTTP server during start-up and stop", () => {
  const state: ServiceState = { phase: "starting" };
  let server: HttpServer;
  let db: TestDatabase;

  beforeAll(async () => {
    server = await startHttpServer(0, state);
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await server.close();
    await db.destroy();
  });

  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("answers the probes at once: alive, not ready, with the phase; every other route 503", async () => {
    state.phase = "migrating";
    expect(await get("/healthz")).toEqual({ status: 200, body: { status: "ok", phase: "migrating" } });
    expect(await get("/readyz")).toEqual({ status: 503, body: { status: "not ready", phase: "migrating" } });
    expect(await get("/api/races")).toEqual({ status: 503, body: { error: { code: "UNAVAILABLE", message: "racesync is starting (migrating)" } } });
  });

  it("serves the app once given, and is ready once the phase says so and the database answers", async () => {
    server.serve(new Hono().get("/api/races", (c) => c.json({ races: [] })));
    state.phase = "seeding";
    expect(await get("/api/races")).toEqual({ status: 200, body: { races: [] } });
    expect((await get("/readyz")).status).toBe(503);
    state.migrationsCurrent = () => migrationsCurrent(db.context().verbDb);
    state.phase = "ready";
    expect(await get("/readyz")).toEqual({ status: 200, body: { status: "ready", phase: "ready", database: "ok", migrations: "current" } });
  });

  it("answers 503 again while stopping, probes included for readiness", async () => {
    state.phase = "stopping";
    server.stopServing();
    expect((await get("/api/races")).body).toEqual({ error: { code: "UNAVAILABLE", message: "racesync is stopping" } });
    expect(await get("/readyz")).toEqual({ status: 503, body: { status: "not ready", phase: "stopping" } });
    expect((await get("/healthz")).status).toBe(200);
  });

  it("a port in use is a one-line StartupError naming the port and PORT", async () => {
    const taken = server.port;
    const failure = await startHttpServer(taken, state).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(StartupError);
    expect((failure as Error).message).toBe(`port ${taken} (PORT) is already in use: stop what is using it, or set PORT to a free port`);
  });
});
