// The one place that talks HTTP to the racesync backend. Same-origin cookies carry the session.
import type {
  AdminAthlete,
  AthleteSummary,
  Me,
  QueueState,
  Race,
  RacePage,
  RateLimit,
  SyncRun,
  SyncRunDetail,
  WebhookEvent,
} from "./types.js";

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
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body?.error?.code) code = body.error.code;
    if (body?.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status text
  }
  return new ApiError(res.status, code, message);
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "NETWORK", "Can't reach racesync. Check your connection and try again.");
  }
  if (!res.ok) throw await parseError(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Accept both a bare array and `{[key]: array}`. */
function listOf<T>(value: unknown, key: string): T[] {
  if (Array.isArray(value)) return value as T[];
  if (value && typeof value === "object" && Array.isArray((value as Record<string, unknown>)[key])) {
    return (value as Record<string, T[]>)[key] as T[];
  }
  return [];
}

export interface RaceQuery {
  athlete_id?: number;
  from?: string; // YYYY-MM-DD, inclusive
  to?: string; // YYYY-MM-DD, inclusive
  min_distance?: number; // meters
  max_distance?: number; // meters
  limit?: number;
  cursor?: string | null;
}

export function raceQueryString(q: RaceQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(q)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

export const api = {
  me: () => request<Me>("GET", "/api/me"),
  updateMe: (patch: { is_hidden: boolean }) => request<Partial<Me> | undefined>("PATCH", "/api/me", patch),
  logout: () => request<unknown>("POST", "/auth/logout"),
  disconnect: () => request<unknown>("POST", "/auth/strava/disconnect"),

  races: async (q: RaceQuery): Promise<RacePage> => {
    const page = await request<Partial<RacePage>>("GET", `/api/races${raceQueryString(q)}`);
    return { races: page?.races ?? [], next_cursor: page?.next_cursor ?? null };
  },
  updateRace: (id: number, patch: { event_name: string | null }) =>
    request<Race | undefined>("PATCH", `/api/races/${id}`, patch),
  athletes: async () => listOf<AthleteSummary>(await request<unknown>("GET", "/api/athletes"), "athletes"),

  admin: {
    athletes: async () => listOf<AdminAthlete>(await request<unknown>("GET", "/api/admin/athletes"), "athletes"),
    updateAthlete: (id: number, patch: { is_hidden?: boolean; is_blocked?: boolean }) =>
      request<unknown>("PATCH", `/api/admin/athletes/${id}`, patch),
    sync: (id: number, mode: "reconcile" | "full", opts: { allowMassDelete?: boolean } = {}) =>
      request<{ run_id?: number | string }>("POST", `/api/admin/athletes/${id}/sync`, { mode, allow_mass_delete: opts.allowMassDelete ?? false }),
    stop: (id: number) => request<unknown>("POST", `/api/admin/athletes/${id}/sync/stop`),
    reconcileAll: () => request<unknown>("POST", "/api/admin/reconcile"),
    syncRuns: async () => listOf<SyncRun>(await request<unknown>("GET", "/api/admin/sync-runs"), "runs"),
    syncRun: async (id: number | string): Promise<SyncRunDetail> => {
      const body = await request<SyncRunDetail | { run: SyncRun; logs?: SyncRunDetail["logs"] }>(
        "GET",
        `/api/admin/sync-runs/${id}`,
      );
      if (body && "run" in body && body.run) return { ...body.run, logs: body.logs ?? [] };
      const run = body as SyncRunDetail;
      return { ...run, logs: run.logs ?? [] };
    },
    queue: () => request<QueueState>("GET", "/api/admin/queue"),
    rateLimit: () => request<RateLimit>("GET", "/api/admin/rate-limit"),
    webhookEvents: async () => listOf<WebhookEvent>(await request<unknown>("GET", "/api/admin/webhook-events"), "events"),
  },
};

export const athleteName = (a: { name?: string; firstname?: string; lastname?: string; strava_id: number }): string =>
  a.name?.trim() || [a.firstname, a.lastname].filter(Boolean).join(" ").trim() || `Athlete ${a.strava_id}`;

export const stravaActivityUrl = (id: number | string): string => `https://www.strava.com/activities/${id}`;
export const stravaAthleteUrl = (id: number | string): string => `https://www.strava.com/athletes/${id}`;
export const STRAVA_LOGIN_URL = "/auth/strava/login";
