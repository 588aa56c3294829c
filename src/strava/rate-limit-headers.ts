/** "short,daily" pairs from Strava's rate-limit headers; a field is absent when its header was (or was garbled). */
export interface RateLimitHeaders {
  overallLimit?: [number, number];
  overallUsage?: [number, number];
  readLimit?: [number, number];
  readUsage?: [number, number];
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
