import { Agent, request } from "undici";
import type { z } from "zod";
import { StravaBadRequest, StravaNotFound, StravaRateLimited, StravaTransient, StravaUnauthorized } from "./errors.js";
import type { RateLimitHeaders } from "./types.js";
import { retryAtFor, type WindowLengths } from "./windows.js";

export interface HttpOptions {
  connectTimeoutMs?: number;
  /** Applies to headers and to the body separately. */
  timeoutMs?: number;
}

export interface StravaRequest {
  /** Route name for metrics, e.g. "GET /activities/:id" (never contains ids or tokens). */
  endpoint: string;
  method: "GET" | "POST";
  url: string;
  token?: string;
  query?: Record<string, string | number | undefined>;
  form?: Record<string, string | number>;
}

export interface StravaResponse {
  endpoint: string;
  status: number;
  limits: RateLimitHeaders;
  body: unknown;
  /** For a 429 counted in the shared budget: when the exhausted window reopens, by the database's clock. */
  retryAt?: Date;
}

/** Observes every answer (status 0 = no answer) with its duration. */
export type ResponseObserver = (endpoint: string, status: number, ms: number) => void;

export interface StravaHttp {
  send(req: StravaRequest): Promise<StravaResponse>;
  close(): Promise<void>;
}

const RESET_CODES = new Set(["ECONNRESET", "UND_ERR_SOCKET", "EPIPE"]);

/** Low-level client: one keep-alive agent; HTTP answers are returned, only failures to get one throw. */
export function createHttp(opts: HttpOptions = {}, observe: ResponseObserver = () => {}): StravaHttp {
  const timeout = opts.timeoutMs ?? 10_000;
  const agent = new Agent({
    connect: { timeout: opts.connectTimeoutMs ?? 5_000 },
    headersTimeout: timeout,
    bodyTimeout: timeout,
    keepAliveTimeout: 30_000,
  });

  async function attempt(req: StravaRequest): Promise<StravaResponse> {
    const res = await request(withQuery(req.url, req.query), {
      dispatcher: agent,
      method: req.method,
      headers: headersOf(req),
      body: req.form ? new URLSearchParams(stringValues(req.form)).toString() : undefined,
    });
    const text = await res.body.text();
    return { endpoint: req.endpoint, status: res.statusCode, limits: parseRateLimitHeaders(res.headers), body: parseJson(text) };
  }

  async function send(req: StravaRequest): Promise<StravaResponse> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const res = await attempt(req).catch((err: unknown) => {
        // A reset before any answer never reached Strava's handler: an idempotent GET may go again, once.
        if (req.method === "GET" && isReset(err)) return attempt(req);
        throw err;
      });
      observe(req.endpoint, res.status, elapsed());
      return res;
    } catch (err) {
      observe(req.endpoint, 0, elapsed());
      throw new StravaTransient(`${req.endpoint}: no answer from Strava (${describe(err)})`);
    }
  }

  return { send, close: () => agent.close() };
}

/** Turns an answer into its typed payload, or throws the typed error its status stands for. */
export function expectOk<T>(res: StravaResponse, schema: z.ZodType<T>, lengths: WindowLengths, nowMs = Date.now()): T {
  if (res.status >= 200 && res.status < 300) return parsePayload(res, schema);
  throw errorFor(res, lengths, nowMs);
}

export function errorFor(res: StravaResponse, lengths: WindowLengths, nowMs: number): Error {
  const message = `${res.endpoint}: HTTP ${res.status} ${faultMessage(res.body)}`.trim();
  if (res.status === 401) return new StravaUnauthorized(message, res.status, res.body);
  if (res.status === 404) return new StravaNotFound(message, res.status, res.body);
  if (res.status === 429) return new StravaRateLimited(message, res.retryAt ?? retryAtFor(res.limits, lengths, nowMs), res.status);
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

function headersOf(req: StravaRequest): Record<string, string> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (req.token) headers.authorization = `Bearer ${req.token}`;
  if (req.form) headers["content-type"] = "application/x-www-form-urlencoded";
  return headers;
}

function withQuery(url: string, query: StravaRequest["query"]): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

function stringValues(form: Record<string, string | number>): Record<string, string> {
  return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, String(v)]));
}

function parseJson(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isReset(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && RESET_CODES.has(code);
}

function describe(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  return [e?.code, e?.message].filter((p) => typeof p === "string").join(": ") || "unknown error";
}

type HeaderBag = Record<string, string | string[] | undefined>;

const FIELDS = {
  overallLimit: "x-ratelimit-limit",
  overallUsage: "x-ratelimit-usage",
  readLimit: "x-readratelimit-limit",
  readUsage: "x-readratelimit-usage",
} as const;

/** Reads the four rate-limit headers, whatever their casing. */
export function parseRateLimitHeaders(headers: HeaderBag): RateLimitHeaders {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v[0] : v]));
  const parsed: RateLimitHeaders = {};
  for (const [field, name] of Object.entries(FIELDS) as [keyof RateLimitHeaders, string][]) {
    const pair = parsePair(lower.get(name));
    if (pair) parsed[field] = pair;
  }
  return parsed;
}

function parsePair(value: string | undefined): [number, number] | undefined {
  const parts = (value ?? "").split(",").map((p) => p.trim());
  if (parts.length !== 2 || parts.some((p) => !/^\d+$/.test(p))) return undefined;
  return [Number(parts[0]), Number(parts[1])];
}
