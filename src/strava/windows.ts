import { sql, type SQL } from "drizzle-orm";
import type { RateLimitHeaders } from "./types.js";

export interface WindowLengths {
  windowSeconds: number;
  daySeconds: number;
}

export interface Window {
  start: Date;
  end: Date;
}

export type WindowKind = "short" | "daily";

/**
 * SQL for the start of the window of `seconds` that contains `clock` (a timestamptz expression):
 * short windows start at multiples of windowSeconds since the epoch, daily ones at multiples of daySeconds.
 */
export function windowStartAt(seconds: SQL, clock: SQL): SQL {
  return sql`to_timestamp(floor(extract(epoch from ${clock})::float8 / ${seconds}) * ${seconds})`;
}

/** The same placement by a given clock, for a 429 outside the shared budget (token refreshes). */
export function currentWindow(kind: WindowKind, lengths: WindowLengths, nowMs: number): Window {
  const lengthMs = (kind === "short" ? lengths.windowSeconds : lengths.daySeconds) * 1000;
  const startMs = Math.floor(nowMs / lengthMs) * lengthMs;
  return { start: new Date(startMs), end: new Date(startMs + lengthMs) };
}

/** Which window a 429 exhausted: the daily one when its usage reached its limit, else the short one. */
export function exhaustedWindow(limits: RateLimitHeaders): WindowKind {
  const dailyFull = (usage?: [number, number], limit?: [number, number]) => !!usage && !!limit && usage[1] >= limit[1];
  return dailyFull(limits.overallUsage, limits.overallLimit) || dailyFull(limits.readUsage, limits.readLimit) ? "daily" : "short";
}

/** When a rate-limited request may be tried again: the reopening of the exhausted window. */
export function retryAtFor(limits: RateLimitHeaders, lengths: WindowLengths, nowMs: number): Date {
  return currentWindow(exhaustedWindow(limits), lengths, nowMs).end;
}
