import type { MiddlewareHandler } from "hono";

/** Requests per endpoint, keyed like `GET /athlete/activities`, `GET /activities/:id`, `POST /oauth/token`. */
export class Counters {
  private readonly perEndpoint = new Map<string, number>();
  private limited = 0;

  count(endpoint: string): void {
    this.perEndpoint.set(endpoint, (this.perEndpoint.get(endpoint) ?? 0) + 1);
  }

  countRateLimited(): void {
    this.limited++;
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

export function countingMiddleware(counters: Counters): MiddlewareHandler {
  return async (c, next) => {
    counters.count(endpointKey(c.req.method, c.req.path));
    await next();
  };
}
