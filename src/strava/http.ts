import { Agent, request } from "undici";
import { StravaTransient } from "./errors.js";
import { parseRateLimitHeaders, type RateLimitHeaders } from "./rate-limit-headers.js";

export type { RateLimitHeaders } from "./rate-limit-headers.js";

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
