import type { AddressInfo } from "node:net";
import { Hono, type Context } from "hono";
import type { ServiceState } from "./lifecycle/lifecycle.js";
import { listenError } from "./lifecycle/startup-error.js";
import { healthRoutes } from "./ops/health.js";
import { closeServer, listen } from "./http/listen.js";

interface FetchApp {
  fetch(request: Request, env: unknown): Response | Promise<Response>;
}

export interface HttpServer {
  port: number;
  /** http://127.0.0.1:port */
  url: string;
  /** Routes other than the probes go to `app` from now on. */
  serve(app: FetchApp): void;
  /** Routes other than the probes answer 503 again (stopping). */
  stopServing(): void;
  close(): Promise<void>;
}

/**
 * The HTTP server listens before anything else starts, so that the probes answer during start-up
 * (`/readyz` says which phase it is in). Every other route answers 503 until the app is served.
 */
export async function startHttpServer(port: number, state: ServiceState): Promise<HttpServer> {
  let app: FetchApp | undefined;
  const front = new Hono();
  front.route("/", healthRoutes(state));
  front.all("*", (c) => (app ? app.fetch(c.req.raw, c.env) : unavailable(c, state)));
  const server = await listen(front.fetch, port, "0.0.0.0").catch((err: unknown) => {
    throw listenError(err, `port ${port} (PORT)`, "set PORT to a free port");
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    serve: (next) => void (app = next),
    stopServing: () => void (app = undefined),
    close: () => closeServer(server),
  };
}

function unavailable(c: Context, state: ServiceState): Response {
  const message = state.phase === "stopping" ? "racesync is stopping" : `racesync is starting (${state.phase})`;
  return c.json({ error: { code: "UNAVAILABLE", message } }, 503, { "Retry-After": "5" });
}
