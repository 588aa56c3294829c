import type { Sql } from "../db/client.js";
import { StravaRateLimited } from "./errors.js";
import type { RateLimitHeaders } from "./rate-limit-headers.js";
import type { Priority } from "./types.js";
import { currentWindow, type WindowKind, type WindowLengths } from "./windows.js";

export interface AcquireOptions {
  /** Counts against the read ("non-upload") limit too; every call racesync makes does. */
  read: boolean;
}

export interface WindowState {
  used: number;
  limit: number;
  resets_at: string;
}

export interface BudgetState {
  overall: { short: WindowState; daily: WindowState };
  read: { short: WindowState; daily: WindowState };
  reserve_share: number;
}

/** The shared rate-limit gate: acquire before each request, record after each answer. */
export interface RateGate {
  /** Takes one request from every relevant window, or throws StravaRateLimited (retryAt = window end). */
  acquire(priority: Priority, opts?: AcquireOptions): Promise<void>;
  /** Adopts Strava's usage and limits; `rateLimited` (a 429) marks the exhausted window full. */
  record(limits: RateLimitHeaders, opts?: { rateLimited?: boolean }): Promise<void>;
  state(): Promise<BudgetState>;
}

export interface GateOptions extends WindowLengths {
  /** Share of each window kept for webhook work (at least one request). Default 5 %. */
  reserveShare?: number;
  now?: () => number;
}

type Bucket = "overall_short" | "overall_daily" | "read_short" | "read_daily";
interface BucketWindow { bucket: Bucket; kind: WindowKind; start: Date; end: Date; defaultLimit: number }
interface BucketRow { bucket: Bucket; used: number; limit: number; window_end: Date }

const DEFAULT_LIMITS: Record<Bucket, number> = { overall_short: 200, overall_daily: 2000, read_short: 100, read_daily: 1000 };
const BUCKETS = Object.keys(DEFAULT_LIMITS) as Bucket[];

export function createRateGate(sql: Sql, opts: GateOptions): RateGate {
  const reserveShare = opts.reserveShare ?? 0.05;
  const now = opts.now ?? Date.now;
  const windowsFor = (buckets: Bucket[]): BucketWindow[] => {
    const nowMs = now();
    return buckets.map((bucket) => {
      const kind: WindowKind = bucket.endsWith("short") ? "short" : "daily";
      return { bucket, kind, ...currentWindow(kind, opts, nowMs), defaultLimit: DEFAULT_LIMITS[bucket] };
    });
  };
  const headroom = (row: BucketRow, priority: Priority) =>
    row.limit - row.used - (priority === "webhook" ? 0 : Math.max(1, Math.ceil(row.limit * reserveShare)));

  async function acquire(priority: Priority, acquireOpts: AcquireOptions = { read: true }): Promise<void> {
    const windows = windowsFor(acquireOpts.read ? BUCKETS : ["overall_short", "overall_daily"]);
    await sql.begin(async (tx) => {
      await ensureWindows(tx as unknown as Sql, windows);
      const rows = await lockWindows(tx as unknown as Sql, windows);
      const full = rows.filter((r) => headroom(r, priority) < 1).sort((a, b) => +b.window_end - +a.window_end)[0];
      if (full) {
        throw new StravaRateLimited(`Strava budget ${full.bucket} exhausted (${full.used}/${full.limit}) for ${priority} work`, full.window_end);
      }
      await tx`update strava_budget set used = used + 1, updated_at = now() where ${inWindows(tx as unknown as Sql, windows)}`;
    });
  }

  async function record(limits: RateLimitHeaders, recordOpts: { rateLimited?: boolean } = {}): Promise<void> {
    const rateLimited = recordOpts.rateLimited ?? false;
    if (!rateLimited && Object.keys(limits).length === 0) return;
    const observed = windowsFor(BUCKETS).map((w) => {
      const seen = observedOf(w, limits);
      return { ...w, ...seen, full: rateLimited && isExhausted(w, seen, limits) };
    });
    // One autocommit statement per bucket: a multi-row update would lock rows in no set order and
    // could deadlock with acquire()'s ordered locks.
    for (const w of observed) {
      await sql`
        insert into strava_budget (bucket, window_start, window_end, used, "limit")
        values (${w.bucket}, ${w.start}, ${w.end}, ${w.used ?? 0}, ${w.limit ?? w.defaultLimit})
        on conflict (bucket, window_start) do update set
          "limit" = coalesce(${w.limit ?? null}::int, strava_budget."limit"),
          used = greatest(strava_budget.used, excluded.used,
                          case when ${w.full} then coalesce(${w.limit ?? null}::int, strava_budget."limit") else 0 end),
          updated_at = now()`;
    }
  }

  async function state(): Promise<BudgetState> {
    const windows = windowsFor(BUCKETS);
    await ensureWindows(sql, windows);
    const rows = await selectWindows(sql, windows);
    const of = (bucket: Bucket): WindowState => {
      const row = rows.find((r) => r.bucket === bucket)!;
      return { used: row.used, limit: row.limit, resets_at: row.window_end.toISOString() };
    };
    return {
      overall: { short: of("overall_short"), daily: of("overall_daily") },
      read: { short: of("read_short"), daily: of("read_daily") },
      reserve_share: reserveShare,
    };
  }

  return { acquire, record, state };
}

/** Creates missing windows (one statement); a new window inherits the bucket's last known limit. */
async function ensureWindows(sql: Sql, windows: BucketWindow[]): Promise<void> {
  await sql`
    insert into strava_budget (bucket, window_start, window_end, used, "limit")
    select w.bucket, w.window_start, w.window_end, 0,
           coalesce((select b."limit" from strava_budget b where b.bucket = w.bucket order by b.window_start desc limit 1), w.default_limit)
    from unnest(${windows.map((w) => w.bucket)}::text[], ${windows.map((w) => w.start.toISOString())}::timestamptz[],
                ${windows.map((w) => w.end.toISOString())}::timestamptz[], ${windows.map((w) => w.defaultLimit)}::int[])
         as w(bucket, window_start, window_end, default_limit)
    order by w.bucket
    on conflict (bucket, window_start) do nothing`;
}

/** Row locks in bucket order, so concurrent acquirers never deadlock. */
function lockWindows(sql: Sql, windows: BucketWindow[]): Promise<BucketRow[]> {
  return sql<BucketRow[]>`
    select bucket, used, "limit", window_end from strava_budget
    where ${inWindows(sql, windows)} order by bucket for update`;
}

function selectWindows(sql: Sql, windows: BucketWindow[]): Promise<BucketRow[]> {
  return sql<BucketRow[]>`
    select bucket, used, "limit", window_end from strava_budget
    where ${inWindows(sql, windows)}`;
}

function inWindows(sql: Sql, windows: BucketWindow[]) {
  const buckets = windows.map((w) => w.bucket);
  const starts = windows.map((w) => w.start.toISOString());
  return sql`(bucket, window_start) in (select * from unnest(${buckets}::text[], ${starts}::timestamptz[]))`;
}

/** After a 429: the buckets Strava shows at their limit or, without headers, the short windows. */
function isExhausted(w: BucketWindow, seen: { used?: number; limit?: number }, limits: RateLimitHeaders): boolean {
  if (seen.used !== undefined && seen.limit !== undefined) return seen.used >= seen.limit;
  return Object.keys(limits).length === 0 && w.kind === "short";
}

function observedOf(w: BucketWindow, limits: RateLimitHeaders): { used?: number; limit?: number } {
  const index = w.kind === "short" ? 0 : 1;
  const [usage, limit] = w.bucket.startsWith("read") ? [limits.readUsage, limits.readLimit] : [limits.overallUsage, limits.overallLimit];
  return { used: usage?.[index], limit: limit?.[index] };
}
