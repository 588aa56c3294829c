import type { MiddlewareHandler } from "hono";
import type { Random } from "./random.js";
import { faults } from "./faults-body.js";

export type ServerErrorStatus = 500 | 503;

/** Injected API trouble: a share (or the next N) of requests answered with 5xx, added latency. */
export class ApiFaults {
  serverErrorShare = 0;
  serverErrorNext = 0;
  serverErrorStatus: ServerErrorStatus = 500;
  latencyMs = 0;

  constructor(private readonly random: Random) {}

  reset(): void {
    this.serverErrorShare = 0;
    this.serverErrorNext = 0;
    this.serverErrorStatus = 500;
    this.latencyMs = 0;
  }

  /** Decides (and consumes) whether this request fails. */
  takeServerError(): boolean {
    if (this.serverErrorNext > 0) {
      this.serverErrorNext--;
      return true;
    }
    return this.serverErrorShare > 0 && this.random.chance(this.serverErrorShare);
  }
}

export function latencyMiddleware(apiFaults: ApiFaults): MiddlewareHandler {
  return async (_c, next) => {
    if (apiFaults.latencyMs > 0) await new Promise((r) => setTimeout(r, apiFaults.latencyMs));
    await next();
  };
}

export function serverErrorMiddleware(apiFaults: ApiFaults): MiddlewareHandler {
  return async (c, next) => {
    if (!apiFaults.takeServerError()) return next();
    const status = apiFaults.serverErrorStatus;
    return c.json(faults.serverError(status), status);
  };
}
