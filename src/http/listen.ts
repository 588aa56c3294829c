import type { Server } from "node:http";
import { serve, type ServerType } from "@hono/node-server";

type Fetch = Parameters<typeof serve>[0]["fetch"];

/** Starts an HTTP server; rejects with listen()'s error (EADDRINUSE, EACCES) instead of emitting it unhandled. */
export function listen(fetch: Fetch, port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => {
      server.off("error", reject);
      resolve(server);
    });
    server.once("error", reject);
  });
}

/** Stops accepting connections and ends the open ones (idle keep-alives, streams still open). */
export function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    (server as Server).closeAllConnections();
  });
}
