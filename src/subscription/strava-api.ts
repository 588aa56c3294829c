/** Strava's push_subscriptions endpoints (one subscription per application). */
export interface PushSubscription {
  id: number;
  callback_url: string;
  created_at?: string;
}

export interface AppCredentials {
  apiUrl: string;
  clientId: number;
  clientSecret: string;
}

/** A refusal from Strava, with its `errors[].code`/`field` for explaining it. */
export class StravaRefusal extends Error {
  constructor(
    readonly status: number,
    readonly codes: string[],
    readonly fields: string[],
    body: string,
  ) {
    super(`Strava answered HTTP ${status}: ${body.slice(0, 300)}`);
  }
  has(code: string): boolean {
    return this.codes.some((c) => c.toLowerCase().includes(code));
  }
}

export function subscriptionApi(app: AppCredentials) {
  const base = `${app.apiUrl}/push_subscriptions`;
  const credentials = { client_id: String(app.clientId), client_secret: app.clientSecret };
  return {
    async create(callbackUrl: string, verifyToken: string): Promise<PushSubscription> {
      const body = new URLSearchParams({ ...credentials, callback_url: callbackUrl, verify_token: verifyToken });
      return (await call(base, { method: "POST", body })) as PushSubscription;
    },
    async view(): Promise<PushSubscription | null> {
      const list = (await call(`${base}?${new URLSearchParams(credentials)}`, { method: "GET" })) as PushSubscription[];
      return list[0] ?? null;
    },
    async delete(id: number): Promise<void> {
      await call(`${base}/${id}?${new URLSearchParams(credentials)}`, { method: "DELETE" });
    },
  };
}

async function call(url: string, init: RequestInit): Promise<unknown> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  if (res.ok) return text ? JSON.parse(text) : null;
  const errors = parseErrors(text);
  throw new StravaRefusal(res.status, errors.map((e) => e.code ?? ""), errors.map((e) => e.field ?? ""), text);
}

function parseErrors(text: string): Array<{ code?: string; field?: string }> {
  try {
    const body = JSON.parse(text) as { errors?: Array<{ code?: string; field?: string }> };
    return Array.isArray(body.errors) ? body.errors : [];
  } catch {
    return [];
  }
}
