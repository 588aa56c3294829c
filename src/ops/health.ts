import { Hono } from "hono";
import { withTimeout } from "../db/client.js";
import type { ServiceState } from "../lifecycle/lifecycle.js";

/**
 * `/healthz`: the process runs and, in a worker, its job runner too (liveness). `/readyz`: started,
 * not stopping, database reachable, migrations current.
 */
export function healthRoutes(state: ServiceState): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => {
    if (state.failure) return c.json({ status: "failed", phase: state.phase, reason: state.failure }, 503);
    return c.json({ status: "ok", phase: state.phase });
  });
  app.get("/readyz", async (c) => {
    const { phase, migrationsCurrent } = state;
    if (phase !== "ready" || !migrationsCurrent) return c.json({ status: "not ready", phase }, 503);
    try {
      const current = await withTimeout(migrationsCurrent(), 2000);
      if (!current) return c.json({ status: "not ready", phase, database: "ok", migrations: "pending" }, 503);
      return c.json({ status: "ready", phase, database: "ok", migrations: "current" });
    } catch {
      return c.json({ status: "not ready", phase, database: "unreachable" }, 503);
    }
  });
  return app;
}
