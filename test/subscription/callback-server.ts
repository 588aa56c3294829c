import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";

export const VERIFY_TOKEN = "club-verify-token";

/**
 * A stand-in for racesync's challenge route (any secret) whose behaviour is chosen by the first path segment:
 * /ok, /forbidden (checks the verify token → 403), /wrong-key, /error (500), /slow (2.3 s).
 */
export async function startCallbackServer(): Promise<{ url: string; close(): Promise<void> }> {
  const app = new Hono();
  app.get("/:mode/webhooks/strava/:secret", async (c) => {
    const challenge = c.req.query("hub.challenge");
    const mode = c.req.param("mode");
    if (c.req.query("hub.verify_token") !== VERIFY_TOKEN) return c.json({ error: "verify token mismatch" }, 403);
    if (mode === "wrong-key") return c.json({ challenge });
    if (mode === "error") return c.text("boom", 500);
    if (mode === "slow") await new Promise((r) => setTimeout(r, 2300));
    return c.json({ "hub.challenge": challenge });
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
