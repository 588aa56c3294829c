import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Log } from "../log.js";
import { AppError } from "./errors.js";

const CONNECTION_ERRORS = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "57P01", "57P03"]);

/** True for errors that mean "Postgres is not reachable right now" (drizzle wraps the driver's error as `cause`). */
export function isDatabaseDown(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: unknown } | null;
  if (typeof e?.code === "string" && CONNECTION_ERRORS.has(e.code)) return true;
  return e?.cause !== undefined && isDatabaseDown(e.cause);
}

export function handleError(log: Log) {
  return (err: Error, c: Context) => {
    const requestId = c.get("requestId") as string | undefined;
    if (err instanceof AppError) {
      const body = { error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), request_id: requestId } };
      return c.json(body, err.status);
    }
    if (err instanceof HTTPException) {
      return c.json({ error: { code: err.status === 401 ? "UNAUTHENTICATED" : "HTTP_ERROR", message: err.message, request_id: requestId } }, err.status);
    }
    if (isDatabaseDown(err)) {
      log.warn({ err, requestId }, "database unavailable");
      return c.json({ error: { code: "DATABASE_UNAVAILABLE", message: "the database is unavailable, try again shortly", request_id: requestId } }, 503);
    }
    // The route pattern, not the path: a path may carry a secret (the webhook callback's).
    log.error({ err, requestId, route: c.req.routePath }, "unhandled error");
    return c.json({ error: { code: "INTERNAL", message: "something went wrong on our side", request_id: requestId } }, 500);
  };
}
