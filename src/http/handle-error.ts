import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Log } from "../log.js";
import { AppError } from "./errors.js";

const CONNECTION_ERRORS = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "57P01", "57P03"]);

/** True for errors that mean "Postgres is not reachable right now". */
export function isDatabaseDown(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && CONNECTION_ERRORS.has(code);
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
      log.warn({ err: err.message, requestId }, "database unavailable");
      return c.json({ error: { code: "DATABASE_UNAVAILABLE", message: "the database is unavailable, try again shortly", request_id: requestId } }, 503);
    }
    log.error({ err, requestId, path: c.req.path }, "unhandled error");
    return c.json({ error: { code: "INTERNAL", message: "something went wrong on our side", request_id: requestId } }, 500);
  };
}
