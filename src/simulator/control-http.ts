import { Hono, type Context } from "hono";
import type { HistoryOptions } from "./seed.js";
import type { Simulator } from "./simulator-types.js";

/** The control API over HTTP under /_sim (JSON in, JSON out), for demo mode and other processes. */
export function controlRoutes(sim: Simulator): Hono {
  const app = new Hono();
  app.onError((error, c) => c.json({ error: error.message }, 400));

  app.post("/athletes", async (c) => c.json(sim.seedAthlete(await json(c)), 201));
  app.post("/athletes/:id/history", async (c) => {
    const body = await json<Partial<HistoryOptions>>(c);
    const start = body.start ? new Date(body.start) : undefined;
    return c.json(sim.seedHistory(idOf(c), { ...body, count: body.count ?? 10, ...(start ? { start } : {}) }), 201);
  });
  app.post("/athletes/:id/activities", async (c) => c.json(sim.createActivity(idOf(c), await json(c)), 201));
  app.get("/athletes/:id/activities", (c) => c.json(sim.activitiesOf(idOf(c))));
  app.get("/athletes/:id/races", (c) => c.json(sim.racesOf(idOf(c))));
  app.post("/athletes/:id/deauthorize", (c) => (sim.deauthorizeAthlete(idOf(c)), c.body(null, 204)));
  app.post("/athletes/:id/tokens", async (c) => {
    const body = await json<{ scopes?: string }>(c);
    return c.json(sim.issueTokens(idOf(c), body.scopes), 201);
  });
  app.put("/athletes/:id/club-member", async (c) => {
    sim.setClubMember(idOf(c), (await json<{ member?: boolean }>(c)).member ?? true);
    return c.body(null, 204);
  });
  app.post("/athletes/:id/expire-tokens", (c) => (sim.expireAccessTokens(idOf(c)), c.body(null, 204)));
  app.patch("/activities/:id", async (c) => c.json(sim.updateActivity(idOf(c), await json(c))));
  app.delete("/activities/:id", (c) => (sim.deleteActivity(idOf(c)), c.body(null, 204)));

  app.post("/time/advance", async (c) => {
    sim.advanceTime(Number((await json<{ seconds?: number }>(c)).seconds ?? 0));
    return c.json({ now: sim.now() });
  });
  app.put("/oauth", async (c) => c.json(Object.assign(sim.oauth, await json(c))));
  app.put("/faults", async (c) => c.json(sim.faults.set(await json(c))));
  app.delete("/faults", (c) => (sim.faults.reset(), c.body(null, 204)));
  app.put("/limits", async (c) => c.json(sim.setLimits(await json(c))));
  app.get("/counters", (c) => c.json({ requests: sim.counters.requests(), rate_limited: sim.counters.rateLimited(), refreshes: sim.refreshStats() }));
  app.delete("/counters", (c) => (sim.counters.reset(), c.body(null, 204)));
  app.get("/deliveries", (c) => c.json({ log: sim.deliveries.log, dropped: sim.deliveries.dropped }));
  app.post("/deliveries/idle", async (c) => (await sim.deliveries.idle(), c.json({ delivered: sim.deliveries.log.length })));
  app.get("/subscription", (c) => c.json(sim.subscription()));
  return app;
}

function idOf(c: Context): number {
  return Number(c.req.param("id"));
}

async function json<T = Record<string, never>>(c: Context): Promise<T> {
  const text = await c.req.text();
  return (text ? JSON.parse(text) : {}) as T;
}
