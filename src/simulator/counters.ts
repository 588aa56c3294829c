import type { Context, MiddlewareHandler } from "hono";

/** One request the simulator answered, as a benchmark classifies it (whose, which endpoint, what answer). */
export interface RequestRecord {
  /** The simulator's clock (epoch ms) when the answer went out. */
  at: number;
  /** Keyed like `GET /athlete/activities`, `GET /activities/:id`. */
  endpoint: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** The athlete whose token made the request; null when refused before the token was checked (a 429). */
  athleteId: number | null;
}

export type RequestListener = (record: RequestRecord) => void;

/** Requests per endpoint, keyed like `GET /athlete/activities`, `GET /activities/:id`, `POST /oauth/token`. */
export class Counters {
  private readonly perEndpoint = new Map<string, number>();
  private readonly listeners = new Set<RequestListener>();
  private limited = 0;

  count(endpoint: string): void {
    this.perEndpoint.set(endpoint, (this.perEndpoint.get(endpoint) ?? 0) + 1);
  }

  countRateLimited(): void {
    this.limited++;
  }

  /** Hears of every answered request (nothing is kept here, so a long run holds no log); returns the unsubscribe. */
  onRequest(listener: RequestListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  answered(record: RequestRecord): void {
    for (const listener of this.listeners) listener(record);
  }

  requests(): Record<string, number>;
  requests(endpoint: string): number;
  requests(endpoint?: string): number | Record<string, number> {
    if (endpoint !== undefined) return this.perEndpoint.get(endpoint) ?? 0;
    return Object.fromEntries(this.perEndpoint);
  }

  rateLimited(): number {
    return this.limited;
  }

  reset(): void {
    this.perEndpoint.clear();
    this.limited = 0;
  }
}

/** `/api/v3/activities/123` → `GET /activities/:id`; `/oauth/token` stays as is. */
export function endpointKey(method: string, path: string): string {
  const normalized = path
    .replace(/^\/api\/v3(?=\/)/, "")
    .replace(/\/\d+(?=\/|$)/g, "/:id")
    .replace(/\/$/, "");
  return `${method} ${normalized || "/"}`;
}

export function countingMiddleware(counters: Counters, now: () => number): MiddlewareHandler {
  return async (c, next) => {
    const endpoint = endpointKey(c.req.method, c.req.path);
    counters.count(endpoint);
    await next();
    counters.answered({ at: now(), endpoint, path: c.req.path, query: c.req.query(), status: c.res.status, athleteId: tokenAthleteOf(c) });
  };
}

/** The athlete of the token the activity routes validated (they set `token` on the context). */
function tokenAthleteOf(c: Context): number | null {
  const token = (c.get as (key: string) => unknown)("token") as { athleteId?: number } | undefined;
  return token?.athleteId ?? null;
}
