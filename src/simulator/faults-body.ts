/** Strava's error body: `Fault {message, errors[{resource, field, code}]}`. */
export interface Fault {
  message: string;
  errors: Array<{ resource: string; field: string; code: string }>;
}

export function fault(message: string, resource: string, field: string, code: string): Fault {
  return { message, errors: [{ resource, field, code }] };
}

export const faults = {
  invalidToken: () => fault("Authorization Error", "Athlete", "access_token", "invalid"),
  missingActivityRead: () =>
    fault("Authorization Error", "AccessToken", "activity:read_permission", "missing"),
  invalidApplication: () => fault("Authorization Error", "Application", "", "invalid"),
  badClient: () => fault("Bad Request", "Application", "client_id", "invalid"),
  badCode: () => fault("Bad Request", "RequestToken", "code", "invalid"),
  badRefreshToken: () => fault("Bad Request", "RefreshToken", "refresh_token", "invalid"),
  badGrantType: () => fault("Bad Request", "RequestToken", "grant_type", "invalid"),
  activityNotFound: () => fault("Resource Not Found", "Activity", "", "not found"),
  clubNotFound: () => fault("Resource Not Found", "Club", "", "not found"),
  subscriptionNotFound: () => fault("Resource Not Found", "PushSubscription", "", "not found"),
  afterInFuture: () => fault("Bad Request", "Application", "after", "future"),
  rateLimited: () => fault("Rate Limit Exceeded", "Application", "rate limit", "exceeded"),
  notVerifiable: () => fault("Bad Request", "PushSubscription", "callback url", "not verifiable"),
  callbackNot200: () =>
    fault("Bad Request", "PushSubscription", "callback url", "GET to callback URL does not return 200"),
  subscriptionExists: () => fault("Bad Request", "PushSubscription", "", "already exists"),
  serverError: (status: number) =>
    fault(status === 503 ? "Service Unavailable" : "Internal Server Error", "Application", "", "error"),
};
