import type { MiddlewareHandler } from "hono";
import type { Store } from "./store.js";
import { faults } from "./faults-body.js";

export interface Limits { overall15: number; overallDay: number; read15: number; readDay: number }
export const DEFAULT_LIMITS: Limits = { overall15: 200, overallDay: 2000, read15: 100, readDay: 1000 };

interface WindowCount { window: number; count: number }
export interface Usage { overall15: number; overallDay: number; read15: number; readDay: number }

/**
 * Per-application budget. Short windows start at multiples of `windowSeconds` since the epoch
 * (900 → :00/:15/:30/:45), daily ones at multiples of `daySeconds` (86400 → midnight UTC).
 * Requests over the limit still count, as at Strava.
 */
export class RateLimiter {
  private overall15: WindowCount = { window: -1, count: 0 };
  private overallDay: WindowCount = { window: -1, count: 0 };
  private read15: WindowCount = { window: -1, count: 0 };
  private readDay: WindowCount = { window: -1, count: 0 };

  constructor(
    private readonly store: Store,
    public limits: Limits,
    public windowSeconds: number,
    public daySeconds: number,
  ) {}

  /** Counts one request; returns whether it is over either limit. */
  record(isRead: boolean): boolean {
    this.roll();
    this.overall15.count++;
    this.overallDay.count++;
    if (isRead) {
      this.read15.count++;
      this.readDay.count++;
    }
    return this.isExceeded();
  }

  usage(): Usage {
    this.roll();
    return {
      overall15: this.overall15.count,
      overallDay: this.overallDay.count,
      read15: this.read15.count,
      readDay: this.readDay.count,
    };
  }

  headers(): Record<string, string> {
    const u = this.usage();
    const l = this.limits;
    return {
      "X-RateLimit-Limit": `${l.overall15},${l.overallDay}`,
      "X-RateLimit-Usage": `${u.overall15},${u.overallDay}`,
      "X-ReadRateLimit-Limit": `${l.read15},${l.readDay}`,
      "X-ReadRateLimit-Usage": `${u.read15},${u.readDay}`,
    };
  }

  reset(): void {
    for (const w of [this.overall15, this.overallDay, this.read15, this.readDay]) w.count = 0;
  }

  private isExceeded(): boolean {
    const u = this.usage();
    const l = this.limits;
    return u.overall15 > l.overall15 || u.overallDay > l.overallDay || u.read15 > l.read15 || u.readDay > l.readDay;
  }

  private roll(): void {
    const nowMs = this.store.nowMs();
    const short = Math.floor(nowMs / (this.windowSeconds * 1000));
    const day = Math.floor(nowMs / (this.daySeconds * 1000));
    for (const w of [this.overall15, this.read15]) if (w.window !== short) Object.assign(w, { window: short, count: 0 });
    for (const w of [this.overallDay, this.readDay]) if (w.window !== day) Object.assign(w, { window: day, count: 0 });
  }
}

/**
 * Counts the request (unless `counts` says otherwise), answers 429 when over, and stamps the four
 * headers on whatever response goes out (401, 404 and 5xx included).
 */
export function rateLimitMiddleware(
  limiter: RateLimiter,
  onLimited: () => void,
  counts: (method: string, path: string) => boolean,
): MiddlewareHandler {
  return async (c, next) => {
    const counted = counts(c.req.method, c.req.path);
    const exceeded = counted && limiter.record(true); // every simulated endpoint is "non-upload"
    if (exceeded) {
      onLimited();
      return c.json(faults.rateLimited(), 429, limiter.headers());
    }
    await next();
    for (const [name, value] of Object.entries(limiter.headers())) c.res.headers.set(name, value);
  };
}
