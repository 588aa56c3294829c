import { Hono } from "hono";
import type { AppContext } from "../context.js";
import { migrationsCurrent } from "../db/migrate.js";

export function healthRoutes(ctx: AppContext): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    try {
      const current = await withTimeout(migrationsCurrent(ctx.sql), 2000);
      if (!current) return c.json({ status: "not ready", database: "ok", migrations: "pending" }, 503);
      return c.json({ status: "ready", database: "ok", migrations: "current" });
    } catch {
      return c.json({ status: "not ready", database: "unreachable" }, 503);
    }
  });
  return app;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms).unref())]);
}
