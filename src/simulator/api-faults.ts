import type { MiddlewareHandler } from "hono";
import type { Random } from "./random.js";
import { faults } from "./faults-body.js";

export type ServerErrorStatus = 500 | 503;

/**
 * Injected API trouble: a share (or the next N) of requests answered with 5xx, added latency,
 * activities that answer 404 for their first fetches (Strava's eventual consistency after an
 * upload), and answers that leave late (computed on arrival, delivered after a delay).
 */
export class ApiFaults {
  serverErrorShare = 0;
  serverErrorNext = 0;
  serverErrorStatus: ServerErrorStatus = 500;
  latencyMs = 0;
  /** Activity id → fetches still answered 404. */
  readonly notFoundFetches = new Map<number, number>();
  lateAnswers = { next: 0, ms: 0 };

  constructor(private readonly random: Random) {}

  reset(): void {
    this.serverErrorShare = 0;
    this.serverErrorNext = 0;
    this.serverErrorStatus = 500;
    this.latencyMs = 0;
    this.notFoundFetches.clear();
    this.lateAnswers = { next: 0, ms: 0 };
  }

  /** Decides (and consumes) whether this fetch of the activity answers 404 although it exists. */
  takeNotFound(activityId: number): boolean {
    const left = this.notFoundFetches.get(activityId) ?? 0;
    if (left <= 0) return false;
    this.notFoundFetches.set(activityId, left - 1);
    return true;
  }

  /** How long this answer waits before it leaves (0 = at once); consumes one of the next late answers. */
  takeLateAnswer(): number {
    if (this.lateAnswers.next <= 0) return 0;
    this.lateAnswers.next--;
    return this.lateAnswers.ms;
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

/** Sends the answer, already computed from the state at arrival, after the injected delay. */
export function lateAnswerMiddleware(apiFaults: ApiFaults): MiddlewareHandler {
  return async (_c, next) => {
    await next();
    const ms = apiFaults.takeLateAnswer();
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  };
}
