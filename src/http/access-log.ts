import type { MiddlewareHandler } from "hono";
import type { Log } from "../log.js";

export interface RequestRecord {
  method: string;
  /** The matched route pattern (`/api/races/:stravaActivityId`), never the ids in the path. */
  route: string;
  status: number;
  seconds: number;
}

/** One access-log line per request (method, route, status, duration, request id), also handed to `record`. */
export function accessLog(log: Log, record: (request: RequestRecord) => void = () => {}): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const request = { method: c.req.method, route: c.req.routePath, status: c.res.status, seconds: (performance.now() - started) / 1000 };
    record(request);
    const ms = Math.round(request.seconds * 10_000) / 10;
    log.info({ method: request.method, route: request.route, status: request.status, ms, requestId: c.get("requestId") }, "request");
  };
}
