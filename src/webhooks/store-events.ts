import type { Sql } from "../db/client.js";
import { dedupeKey, type WebhookEvent } from "./event.js";
import { addEventJobs } from "./event-jobs.js";
import type { EventJob } from "./routing.js";

export const SUBSCRIPTION_SETTING = "strava_subscription_id";

/** What became of one event: stored (with its outcome), a duplicate, or refused. */
export type StoreResult =
  | { kind: "stored"; outcome: string }
  | { kind: "duplicate" }
  | { kind: "wrong_subscription"; expected: number };

export interface PendingEvent {
  event: WebhookEvent;
  job: EventJob | null;
}

/** How long one ingest statement may take: Strava gives up on a delivery after 2 s. */
const STATEMENT_TIMEOUT_MS = 1500;

/**
 * Stores a batch of events in ONE transaction: events for another subscription are refused,
 * each new event is inserted once (the dedupe key makes redeliveries no-ops), and a job is added
 * only for a new event of a known, active athlete. Nothing is acknowledged before this commits.
 */
export async function storeEvents(sql: Sql, pending: PendingEvent[]): Promise<{ results: StoreResult[]; expectedSubscription: number | null }> {
  return sql.begin(async (tx) => {
    const [, settingRows] = await Promise.all([
      tx`select set_config('statement_timeout', ${String(STATEMENT_TIMEOUT_MS)}, true)`,
      tx<{ value: string }[]>`select value from settings where key = ${SUBSCRIPTION_SETTING}`,
    ]);
    const expected = settingRows[0] ? Number(settingRows[0].value) : null;
    const accepted = pending.filter((p) => expected === null || p.event.subscription_id === expected);
    const inserted = accepted.length > 0 ? await insertEvents(tx as unknown as Sql, accepted) : new Map<string, string>();
    const newJobs = accepted.filter((p) => p.job && inserted.get(dedupeKey(p.event)) === "queued").map((p) => p.job!);
    await addEventJobs(tx as unknown as Sql, newJobs);
    const claimed = new Set<string>();
    const results = pending.map((p): StoreResult => {
      if (expected !== null && p.event.subscription_id !== expected) return { kind: "wrong_subscription", expected };
      const key = dedupeKey(p.event);
      const outcome = inserted.get(key);
      if (outcome === undefined || claimed.has(key)) return { kind: "duplicate" };
      claimed.add(key);
      return { kind: "stored", outcome };
    });
    return { results, expectedSubscription: expected };
  });
}

/** Inserts the events that are new; returns dedupe key → outcome for those actually inserted. */
async function insertEvents(sql: Sql, pending: PendingEvent[]): Promise<Map<string, string>> {
  const rows = pending.map(({ event, job }, ord) => ({ ord, dedupe_key: dedupeKey(event), job_key: job?.options.jobKey ?? null, ...event, payload: event }));
  const inserted = await sql<{ dedupe_key: string; outcome: string }[]>`
    insert into webhook_events (dedupe_key, subscription_id, object_type, aspect_type, object_id, owner_id,
                                event_time, updates, payload, outcome, job_key, processed_at)
    select e.dedupe_key, e.subscription_id, e.object_type, e.aspect_type, e.object_id, e.owner_id,
           e.event_time, e.updates, e.payload, o.outcome,
           case when o.outcome = 'queued' then e.job_key end,
           case when o.outcome <> 'queued' then now() end
    from jsonb_to_recordset(${sql.json(rows as never)}) as e(
      ord int, dedupe_key text, subscription_id bigint, object_type text, aspect_type text, object_id bigint,
      owner_id bigint, event_time bigint, updates jsonb, payload jsonb, job_key text)
    left join athletes a on a.strava_id = e.owner_id
    cross join lateral (select case
      when a.strava_id is null or a.status = 'deauthorized' then 'ignored_unknown_athlete'
      when a.is_blocked and e.object_type = 'activity' then 'ignored_blocked'
      when e.job_key is null then 'ignored_no_action'
      else 'queued' end as outcome) o
    order by e.ord
    on conflict (dedupe_key) do nothing
    returning dedupe_key, outcome`;
  return new Map(inserted.map((r) => [r.dedupe_key, r.outcome]));
}
