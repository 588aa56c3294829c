// The one place that talks HTTP to the racesync backend. Same-origin cookies carry the session.
// Every call names a route of the server's contract (src/contract/api.ts, imported type-only): its
// path parameters, query, body and answer are the types of the zod schemas the server validates with.
import type { ErrorJson, QueryOf, RequestOf, ResponseOf, RouteKey } from "../../src/contract/api.js";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const isUnauthorized = (err: unknown): boolean => err instanceof ApiError && err.status === 401;

async function parseError(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || `Request failed (${res.status})`;
  try {
    const body = (await res.json()) as Partial<ErrorJson>;
    if (body?.error?.code) code = body.error.code;
    if (body?.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status text
  }
  return new ApiError(res.status, code, message);
}

type AnyRequest = { params?: Record<string, number>; query?: Record<string, unknown>; body?: unknown };

/** `/api/races/:stravaActivityId` with `{stravaActivityId: 5}` → `/api/races/5`, then the query string. */
export function routeUrl(path: string, req: AnyRequest = {}): string {
  const filled = path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(String(req.params?.[name])));
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(req.query ?? {})) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const query = params.toString();
  return query ? `${filled}?${query}` : filled;
}

/** Calls one route of the contract: `call("PATCH /api/races/:stravaActivityId", {params, body})`. */
export async function call<K extends RouteKey>(route: K, ...[req]: {} extends RequestOf<K> ? [RequestOf<K>?] : [RequestOf<K>]): Promise<ResponseOf<K>> {
  const [method, path] = route.split(" ") as [string, string];
  const { body } = (req ?? {}) as AnyRequest;
  let res: Response;
  try {
    res = await fetch(routeUrl(path, req as AnyRequest), {
      method,
      credentials: "same-origin",
      headers: body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "NETWORK", "Can't reach racesync. Check your connection and try again.");
  }
  if (!res.ok) throw await parseError(res);
  const text = res.status === 204 ? "" : await res.text();
  return (text ? JSON.parse(text) : undefined) as ResponseOf<K>;
}

export type RaceQuery = NonNullable<QueryOf<"GET /api/races">>;
export type AdminSyncRequest = RequestOf<"POST /api/admin/athletes/:stravaId/sync">["body"];

export const api = {
  me: () => call("GET /api/me"),
  updateMe: (body: RequestOf<"PATCH /api/me">["body"]) => call("PATCH /api/me", { body }),
  logout: () => call("POST /auth/logout"),
  disconnect: () => call("POST /auth/strava/disconnect"),

  races: (query: RaceQuery) => call("GET /api/races", { query }),
  updateRace: (stravaActivityId: number, body: RequestOf<"PATCH /api/races/:stravaActivityId">["body"]) =>
    call("PATCH /api/races/:stravaActivityId", { params: { stravaActivityId }, body }),
  athletes: async () => (await call("GET /api/athletes")).athletes,

  admin: {
    athletes: async () => (await call("GET /api/admin/athletes")).athletes,
    updateAthlete: (stravaId: number, body: RequestOf<"PATCH /api/admin/athletes/:stravaId">["body"]) =>
      call("PATCH /api/admin/athletes/:stravaId", { params: { stravaId }, body }),
    sync: (stravaId: number, body: AdminSyncRequest) => call("POST /api/admin/athletes/:stravaId/sync", { params: { stravaId }, body }),
    stop: (stravaId: number) => call("POST /api/admin/athletes/:stravaId/sync/stop", { params: { stravaId } }),
    reconcilePreview: () => call("GET /api/admin/reconcile/preview"),
    reconcileAll: () => call("POST /api/admin/reconcile"),
    syncRuns: async () => (await call("GET /api/admin/sync-runs")).runs,
    syncRun: (id: number) => call("GET /api/admin/sync-runs/:id", { params: { id } }),
    queue: () => call("GET /api/admin/queue"),
    retryJob: (id: number) => call("POST /api/admin/queue/jobs/:id/retry", { params: { id } }),
    rateLimit: () => call("GET /api/admin/rate-limit"),
    webhookEvents: async () => (await call("GET /api/admin/webhook-events")).events,
    replayEvent: (id: number) => call("POST /api/admin/webhook-events/:id/replay", { params: { id } }),
  },
};

/** An athlete's name as the API gives it, or a stand-in when Strava has none. */
export const athleteName = (a: { name: string; strava_id: number }): string => a.name.trim() || `Athlete ${a.strava_id}`;

export const stravaActivityUrl = (id: number | string): string => `https://www.strava.com/activities/${id}`;
export const stravaAthleteUrl = (id: number | string): string => `https://www.strava.com/athletes/${id}`;
export const STRAVA_LOGIN_URL = "/auth/strava/login";
/** The signed-in athlete's races and event names as a JSON download. */
export const EXPORT_URL = "/api/me/export";
