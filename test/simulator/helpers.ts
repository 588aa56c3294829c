import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RunningSim } from "../support/simulator.js";

export interface Received { method: string; url: URL; body: unknown }
type Handler = (req: Received, res: ServerResponse) => void | Promise<void>;

/** A stand-in for racesync's webhook endpoint: echoes challenges and answers events with 200 by default. */
export async function startCallback() {
  const received: Received[] = [];
  let handler: Handler = defaultHandler;
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    const entry: Received = { method: req.method ?? "", url: new URL(req.url ?? "/", "http://x"), body: text ? JSON.parse(text) : null };
    received.push(entry);
    await handler(entry, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhooks/strava`,
    received,
    events: () => received.filter((r) => r.method === "POST").map((r) => r.body as Record<string, unknown>),
    handle(next: Handler) {
      handler = next;
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

export function defaultHandler(req: Received, res: ServerResponse): void {
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ "hub.challenge": req.url.searchParams.get("hub.challenge") }));
    return;
  }
  res.writeHead(200).end();
}

/** A deliberate delay: the clock boundary or slow answer under test, never a wait for a result. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Creates the push subscription pointing at the callback (validation included). */
export async function subscribe(s: RunningSim, callbackUrl: string): Promise<Response> {
  return s.form("/api/v3/push_subscriptions", {
    client_id: s.sim.clientId,
    client_secret: s.sim.clientSecret,
    callback_url: callbackUrl,
    verify_token: "STRAVA",
  });
}
