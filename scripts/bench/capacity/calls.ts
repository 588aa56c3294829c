/**
 * Strava calls by what they were for, told from the simulator's request log and the sync runs the
 * database shows: list calls with `after` made while the athlete's reconcile ran are reconciles,
 * other list calls with `after` are follow-ups (one list call answers an athlete's pending checks),
 * and backfills walk back with `before`; the first fetches of an activity
 * whose create webhook arrived are webhook fetches, later fetches of it are follow-ups (the week
 * has no other events that fetch an activity), and reads of the club's feed are follow-ups. Token refreshes and push-subscription calls do not
 * count against Strava's limits and are left out.
 */
import type { RequestRecord } from "../../../src/simulator/index.js";
import type { Observed } from "./freshness.js";

export const CALL_KINDS = ["webhook", "follow-up", "reconcile", "backfill", "other"] as const;
export type CallKind = (typeof CALL_KINDS)[number];

export interface CallTally {
  byKind: Record<CallKind, number>;
  total: number;
  rateLimited: number;
}

const countsAgainstLimits = (r: RequestRecord) => r.path.startsWith("/api/v3/") && !r.path.includes("/push_subscriptions");

export function classifyCalls(records: RequestRecord[], webhookDelivered: Set<number>, syncs: Observed["syncs"]): Array<{ record: RequestRecord; kind: CallKind }> {
  const fetched = new Set<number>();
  return records.filter(countsAgainstLimits).map((record) => ({ record, kind: kindOf(record, webhookDelivered, fetched, syncs) }));
}

function kindOf(r: RequestRecord, webhookDelivered: Set<number>, fetched: Set<number>, syncs: Observed["syncs"]): CallKind {
  if (r.endpoint === "GET /athlete/activities") {
    if (r.query.after === undefined) return "backfill";
    const reconciling = (syncs.get(r.athleteId ?? -1) ?? []).some((s) => s.kind === "reconcile" && s.startedAt <= r.at && r.at <= s.finishedAt);
    return reconciling ? "reconcile" : "follow-up";
  }
  if (r.endpoint === "GET /clubs/:id/activities") return "follow-up";
  if (r.endpoint !== "GET /activities/:id") return "other";
  const id = Number(r.path.split("/").pop());
  const first = webhookDelivered.has(id) && !fetched.has(id);
  if (r.status === 200) fetched.add(id);
  return first ? "webhook" : "follow-up";
}

/** Calls answered in [fromMs, toMs), by kind, and how many of them were 429s. */
export function tally(calls: Array<{ record: RequestRecord; kind: CallKind }>, fromMs: number, toMs: number): CallTally {
  const byKind = Object.fromEntries(CALL_KINDS.map((k) => [k, 0])) as Record<CallKind, number>;
  let total = 0;
  let rateLimited = 0;
  for (const { record, kind } of calls) {
    if (record.at < fromMs || record.at >= toMs) continue;
    byKind[kind]++;
    total++;
    if (record.status === 429) rateLimited++;
  }
  return { byKind, total, rateLimited };
}
