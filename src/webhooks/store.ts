import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { ownerStateSql } from "../db/athlete-state.js";
import { dedupeKey, type EventJob, type WebhookEvent } from "./event.js";

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

/**
 * Stores a batch of events in ONE statement (so one round trip and one implicit transaction):
 * events for another subscription are refused, events of revoked athletes (a tombstone) are dropped,
 * each new event is inserted once (the dedupe key makes redeliveries no-ops), and jobs are added
 * only for new events of known, active athletes.
 * Nothing is acknowledged before this commits. (Raw SQL: the ingest benchmark depends on it.)
 */
export async function storeEvents(db: Db, pending: PendingEvent[]): Promise<{ results: StoreResult[]; expectedSubscription: number | null }> {
  const events = pending.map(({ event, job }, ord) => ({ ord, dedupe_key: dedupeKey(event), job_key: job?.options.jobKey ?? null, ...event, payload: event }));
  const jobs = foldEventJobs(pending.flatMap((p) => (p.job ? [p.job] : [])));
  const [row] = await db.execute<{ expected: number | null; inserted: Array<{ k: string; o: string }> }>(sql`
    with expected as (select value::bigint as id from settings where key = ${SUBSCRIPTION_SETTING}),
    e as (
      select * from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as e(
        ord int, dedupe_key text, subscription_id bigint, object_type text, aspect_type text, object_id bigint,
        owner_id bigint, event_time bigint, updates jsonb, payload jsonb, job_key text)
      where (not exists (select 1 from expected) or e.subscription_id = (select id from expected))
        and not exists (select 1 from athlete_tombstones t where t.strava_id = e.owner_id)
    ),
    ins as (
      insert into webhook_events (dedupe_key, subscription_id, object_type, aspect_type, object_id, owner_id,
                                  event_time, updates, payload, outcome, job_key, processed_at)
      select e.dedupe_key, e.subscription_id, e.object_type, e.aspect_type, e.object_id, e.owner_id,
             e.event_time, e.updates, e.payload, o.outcome,
             case when o.outcome = 'queued' then e.job_key end,
             case when o.outcome <> 'queued' then now() end
      from e
      left join athletes a on a.strava_id = e.owner_id
      cross join lateral (select ${ownerStateSql} as state) owner
      cross join lateral (select case
        when owner.state = 'unknown' then 'ignored_unknown_athlete'
        when owner.state = 'blocked' and e.object_type = 'activity' then 'ignored_blocked'
        when e.job_key is null then 'ignored_no_action'
        else 'queued' end as outcome) o
      order by e.ord
      on conflict (dedupe_key) do nothing
      returning dedupe_key, outcome, job_key
    ),
    specs as (
      select s.spec::json as spec, (s.spec->>'preserve_run_at')::boolean as preserve
      from jsonb_array_elements(${JSON.stringify(jobs)}::jsonb) as s(spec)
      where s.spec->>'job_key' in (select job_key from ins where outcome = 'queued')
    ),
    added as (
      select graphile_worker.add_jobs(array(select json_populate_record(null::graphile_worker.job_spec, spec) from specs where preserve), true)
      where exists (select 1 from specs where preserve)
      union all
      select graphile_worker.add_jobs(array(select json_populate_record(null::graphile_worker.job_spec, spec) from specs where not preserve), false)
      where exists (select 1 from specs where not preserve)
    )
    select (select id from expected) as expected,
           (select count(*) from added) as jobs,
           coalesce((select json_agg(json_build_object('k', dedupe_key, 'o', outcome)) from ins), '[]'::json) as inserted`);
  const expected = row!.expected;
  const inserted = new Map(row!.inserted.map((r) => [r.k, r.o]));
  return { results: resultsOf(pending, inserted, expected), expectedSubscription: expected };
}

/** Each request's answer; the same event twice in one batch is stored once, then a duplicate. */
function resultsOf(pending: PendingEvent[], inserted: Map<string, string>, expected: number | null): StoreResult[] {
  const claimed = new Set<string>();
  return pending.map((p): StoreResult => {
    if (expected !== null && p.event.subscription_id !== expected) return { kind: "wrong_subscription", expected };
    const key = dedupeKey(p.event);
    const outcome = inserted.get(key);
    if (outcome === undefined || claimed.has(key)) return { kind: "duplicate" };
    claimed.add(key);
    return { kind: "stored", outcome };
  });
}

/** A Graphile Worker job_spec, plus which add_jobs mode it needs. */
export interface JobSpec {
  identifier: string;
  payload: unknown;
  run_at: string | null;
  max_attempts: number | null;
  job_key: string;
  priority: number | null;
  preserve_run_at: boolean;
}

/**
 * The jobs of one batch of events, one per job key (add_jobs takes a key once per call). Events
 * about the same activity are folded: the last event decides the task, and a debounced sync keeps
 * the earliest run_at — what successive add_job calls would have left behind.
 */
export function foldEventJobs(jobs: EventJob[]): JobSpec[] {
  const byKey = new Map<string, EventJob>();
  for (const job of jobs) {
    const earlier = byKey.get(job.options.jobKey);
    byKey.delete(job.options.jobKey); // re-inserted below: last event last
    byKey.set(job.options.jobKey, earlier ? foldInto(earlier, job) : job);
  }
  return [...byKey.values()].map(toSpec);
}

function foldInto(earlier: EventJob, later: EventJob): EventJob {
  if (later.options.jobKeyMode !== "preserve_run_at" || !earlier.options.runAt || !later.options.runAt) return later;
  const runAt = earlier.options.runAt < later.options.runAt ? earlier.options.runAt : later.options.runAt;
  return { ...later, options: { ...later.options, runAt } };
}

function toSpec(job: EventJob): JobSpec {
  return {
    identifier: job.task,
    payload: job.payload,
    run_at: job.options.runAt?.toISOString() ?? null,
    max_attempts: job.options.maxAttempts ?? null,
    job_key: job.options.jobKey,
    priority: job.options.priority ?? null,
    preserve_run_at: job.options.jobKeyMode === "preserve_run_at",
  };
}
