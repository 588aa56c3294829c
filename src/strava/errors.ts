/** Typed failures of a Strava call; tasks decide retry policy from the class. */
export class StravaError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 401: token expired, revoked or missing a scope. Retrying will not help; the athlete must reconnect. */
export class StravaUnauthorized extends StravaError {}

/**
 * The athlete is blocked by an admin or no longer connected (`unknown`): racesync does not call
 * Strava for them at all. A 401 for all callers that only care that no token is usable.
 */
export class AthleteUnavailable extends StravaUnauthorized {
  constructor(
    message: string,
    readonly state: "blocked" | "unknown",
  ) {
    super(message);
  }
}

/** 404: the activity is missing, deleted, private to us, or not this athlete's. */
export class StravaNotFound extends StravaError {}

/** 429 or our own budget says no: try again at `retryAt` (the window's reopening). */
export class StravaRateLimited extends StravaError {
  constructor(
    message: string,
    readonly retryAt: Date,
    status?: number,
  ) {
    super(message, status);
  }
}

/** 5xx, timeouts, connection errors: safe to retry with backoff. */
export class StravaTransient extends StravaError {}

/** 400 and other answers that retrying will not change. */
export class StravaBadRequest extends StravaError {}
