import type { Context } from "hono";
import type { Fault } from "./faults-body.js";

/** The request's parameters, form-encoded (as Strava's OAuth and subscription calls send them) or JSON. */
export async function form(c: Context): Promise<Record<string, string>> {
  const type = c.req.header("content-type") ?? "";
  if (type.includes("application/json")) {
    const json = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, String(v)]));
  }
  if (!type.includes("form")) return {};
  const parsed = await c.req.parseBody();
  return Object.fromEntries(Object.entries(parsed).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}

export function faultResponse(c: Context, status: 400 | 401 | 404 | 429 | 500 | 503, body: Fault): Response {
  return c.json(body, status);
}

export function isClient(app: { clientId: number; clientSecret: string }, clientId: unknown, clientSecret: unknown): boolean {
  return String(clientId) === String(app.clientId) && clientSecret === app.clientSecret;
}
