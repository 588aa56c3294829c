import type { z } from "zod";
import { StravaBadRequest, StravaNotFound, StravaRateLimited, StravaTransient, StravaUnauthorized } from "./errors.js";
import type { StravaResponse } from "./http.js";
import { retryAtFor, type WindowLengths } from "./windows.js";

/** Turns an answer into its typed payload, or throws the typed error its status stands for. */
export function expectOk<T>(res: StravaResponse, schema: z.ZodType<T>, lengths: WindowLengths, nowMs = Date.now()): T {
  if (res.status >= 200 && res.status < 300) return parsePayload(res, schema);
  throw errorFor(res, lengths, nowMs);
}

export function errorFor(res: StravaResponse, lengths: WindowLengths, nowMs: number): Error {
  const message = `${res.endpoint}: HTTP ${res.status} ${faultMessage(res.body)}`.trim();
  if (res.status === 401) return new StravaUnauthorized(message, res.status, res.body);
  if (res.status === 404) return new StravaNotFound(message, res.status, res.body);
  if (res.status === 429) return new StravaRateLimited(message, retryAtFor(res.limits, lengths, nowMs), res.status);
  if (res.status >= 500) return new StravaTransient(message, res.status, res.body);
  return new StravaBadRequest(message, res.status, res.body);
}

function parsePayload<T>(res: StravaResponse, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(res.body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new StravaBadRequest(`${res.endpoint}: unexpected payload (${issue?.path.join(".")}: ${issue?.message})`, res.status);
}

/** Strava's Fault body: {message, errors: [{resource, field, code}]}. */
function faultMessage(body: unknown): string {
  if (typeof body !== "object" || body === null) return "";
  const fault = body as { message?: unknown; errors?: { resource?: string; field?: string; code?: string }[] };
  const details = Array.isArray(fault.errors) ? fault.errors.map((e) => [e.resource, e.field, e.code].filter(Boolean).join("/")) : [];
  return [typeof fault.message === "string" ? fault.message : "", details.length ? `(${details.join(", ")})` : ""].join(" ").trim();
}
