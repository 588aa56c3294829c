import { sql, type SQL } from "drizzle-orm";
import { withTransaction, type Db } from "../db/client.js";
import type { BudgetRow } from "../db/schema.js";
import { StravaRateLimited } from "./errors.js";
import type { RateLimitHeaders } from "./types.js";
import type { Priority } from "./types.js";
import { exhaustedWindow, windowStartAt, type WindowKind, type WindowLengths } from "./windows.js";
import { admits, planDay, usageKindOf, type DayPlan, type PlanInput } from "./plan.js";
import { countUsage, usageFigures, type UsageFigures } from "./usage.js";

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
  /**
   * Takes one request from every relevant window, or throws StravaRateLimited (retryAt = window
   * end). Returns the windows it was counted in, for `record`.
   */
  acquire(priority: Priority, opts?: AcquireOptions): Promise<SentIn>;
  /**
   * Adopts Strava's usage and limits; `rateLimited` (a 429) marks the exhausted window full and
   * returns when it reopens. With `sentIn`, a window that turned while the request was on its way
   * adopts only the limits: Strava's usage figures are the previous window's (a whole day's, at
   * midnight UTC), and taken for the new one they would hold its work back until it ends.
   */
  record(limits: RateLimitHeaders, opts?: { rateLimited?: boolean; sentIn?: SentIn }): Promise<Date | undefined>;
  state(): Promise<BudgetState>;
  /** The planner's view of today: the allocation, its inputs and what was spent by kind. */
  plan(): Promise<PlanView>;
}

export interface PlanView {
  plan: DayPlan;
  input: PlanInput;
  figures: UsageFigures;
  /** The current short window's end: when the pacing line next moves. */
  windowEnd: Date;
  /** The current short read window. */
  shortRead: { used: number; limit: number };
}

export interface GateOptions extends WindowLengths {
  /** Share of each window kept for webhook work (at least one request). Default 5 %. */
  reserveShare?: number;
  /**
   * The time that places windows: Postgres' `now()`, so that every process agrees whatever its
   * own clock says. Tests pin it with a timestamptz expression.
   */
  clock?: () => SQL;
  /** Every athlete is reconciled at least this often: the planner keeps reconciles that floor. Default 7. */
  reconcileMaxAgeDays?: number;
  /** Checks of FOLLOW_UP_SCHEDULE after each new run (the planner's follow-up demand). Default 4. */
  followUpChecksPerUpload?: number;
}

type Bucket = "overall_short" | "overall_daily" | "read_short" | "read_daily";
/** The window (its start) of each bucket a request was counted in. */
export type SentIn = Partial<Record<Bucket, Date>>;
interface BucketSpec { bucket: Bucket; kind: WindowKind; seconds: number; defaultLimit: number }
/** One bucket's current window, as the database placed it, and the database's time that placed it. */
type BucketWindow = { bucket: Bucket; window_start: Date; now: Date };
type BucketRow = Pick<BudgetRow, "used" | "limit" | "window_end"> & { bucket: Bucket };

const DEFAULT_LIMITS: Record<Bucket, number> = { overall_short: 200, overall_daily: 2000, read_short: 100, read_daily: 1000 };
const BUCKETS = Object.keys(DEFAULT_LIMITS) as Bucket[];

export function createRateGate(db: Db, opts: GateOptions): RateGate {
  const reserveShare = opts.reserveShare ?? 0.05;
  const clock = opts.clock ?? (() => sql`now()`);
  const specsOf = (buckets: Bucket[]): BucketSpec[] =>
    buckets.map((bucket) => {
      const kind: WindowKind = bucket.endsWith("short") ? "short" : "daily";
      return { bucket, kind, seconds: kind === "short" ? opts.windowSeconds : opts.daySeconds, defaultLimit: DEFAULT_LIMITS[bucket] };
    });
  const headroom = (row: BucketRow, priority: Priority) =>
    row.limit - row.used - (priority === "webhook" ? 0 : Math.max(1, Math.ceil(row.limit * reserveShare)));

  async function acquire(priority: Priority, acquireOpts: AcquireOptions = { read: true }): Promise<SentIn> {
    const specs = specsOf(acquireOpts.read ? BUCKETS : ["overall_short", "overall_daily"]);
    return withTransaction(db, async (tx) => {
      const windows = await ensureWindows(tx, specs, clock());
      const rows = await lockWindows(tx, windows);
      const full = rows.filter((r) => headroom(r, priority) < 1).sort((a, b) => +b.window_end - +a.window_end)[0];
      if (full) {
        throw new StravaRateLimited(`Strava budget ${full.bucket} exhausted (${full.used}/${full.limit}) for ${priority} work`, full.window_end);
      }
      if (acquireOpts.read) await followPlan(tx, priority, rows, windows[0]!.now);
      await tx.execute(sql`update strava_budget set used = used + 1, updated_at = now() where ${inWindows(windows)}`);
      return Object.fromEntries(windows.map((w) => [w.bucket, w.window_start]));
    });
  }

  /** Refuses what the day's plan holds back (until the short window ends), else counts the call by kind. */
  async function followPlan(tx: Db, priority: Priority, rows: BucketRow[], now: Date): Promise<void> {
    const dailyUsed = rows.find((r) => r.bucket === "read_daily")!.used;
    if (priority !== "webhook" && priority !== "confirmation") {
      const view = await planView(tx, rows, now);
      if (!admits(view.plan, priority, { today: view.figures.today, dailyUsed })) {
        throw new StravaRateLimited(`the day's plan holds ${priority} work until the next window (paced so the budget lasts the day)`, view.windowEnd);
      }
    }
    await countUsage(tx, dayStartOf(rows), usageKindOf(priority));
  }

  /** The current day window's start, from the read_daily row the database placed. */
  const dayStartOf = (rows: BucketRow[]) => new Date(rows.find((r) => r.bucket === "read_daily")!.window_end.getTime() - opts.daySeconds * 1000);

  async function planView(db: Db, rows: BucketRow[], now: Date): Promise<PlanView> {
    const dayStart = dayStartOf(rows);
    const shortRow = rows.find((r) => r.bucket === "read_short")!;
    const daily = rows.find((r) => r.bucket === "read_daily")!;
    const figures = await usageFigures(db, dayStart, new Date(dayStart.getTime() - opts.daySeconds * 1000));
    const dayMs = opts.daySeconds * 1000;
    const input: PlanInput = {
      dailyLimit: daily.limit,
      dailyUsed: daily.used,
      reserveShare,
      dayShareNow: (now.getTime() - dayStart.getTime()) / dayMs,
      dayShareAtWindowEnd: Math.min(1, (shortRow.window_end.getTime() - dayStart.getTime()) / dayMs),
      windowsPerDay: Math.max(1, Math.round(opts.daySeconds / opts.windowSeconds)),
      today: figures.today,
      yesterday: figures.yesterday,
      athletes: figures.athletes,
      reconcileMaxAgeDays: opts.reconcileMaxAgeDays ?? 7,
      followUpChecksPerUpload: opts.followUpChecksPerUpload ?? 4,
    };
    return { plan: planDay(input), input, figures, windowEnd: shortRow.window_end, shortRead: { used: shortRow.used, limit: shortRow.limit } };
  }

  async function plan(): Promise<PlanView> {
    const windows = await ensureWindows(db, specsOf(BUCKETS), clock());
    return planView(db, await selectWindows(db, windows), windows[0]!.now);
  }

  async function record(limits: RateLimitHeaders, recordOpts: { rateLimited?: boolean; sentIn?: SentIn } = {}): Promise<Date | undefined> {
    const rateLimited = recordOpts.rateLimited ?? false;
    if (!rateLimited && Object.keys(limits).length === 0) return undefined;
    const exhausted = exhaustedWindow(limits);
    let reopensAt: Date | undefined;
    // One autocommit statement per bucket: a multi-row update would lock rows in no set order and
    // could deadlock with acquire()'s ordered locks.
    for (const spec of specsOf(BUCKETS)) {
      const seen = observedOf(spec, limits);
      const sentIn = recordOpts.sentIn?.[spec.bucket];
      const end = await recordBucket(db, { ...spec, ...seen, full: rateLimited && isExhausted(spec, seen, limits), sentIn }, clock());
      if (rateLimited && spec.kind === exhausted) reopensAt = end;
    }
    return reopensAt;
  }

  async function state(): Promise<BudgetState> {
    const windows = await ensureWindows(db, specsOf(BUCKETS), clock());
    const rows = await selectWindows(db, windows);
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

  return { acquire, record, state, plan };
}

/**
 * Places each bucket's current window by `clock` and creates the missing ones (one statement); a
 * new window inherits the bucket's last known limit. Returns the windows.
 */
async function ensureWindows(db: Db, specs: BucketSpec[], clock: SQL): Promise<BucketWindow[]> {
  return db.execute<BucketWindow>(sql`
    with w as (
      select s.bucket, s.seconds, s.default_limit, ${windowStartAt(sql`s.seconds`, clock)} as window_start
      from unnest(${sql.param(specs.map((s) => s.bucket))}::text[], ${sql.param(specs.map((s) => s.seconds))}::float8[],
                  ${sql.param(specs.map((s) => s.defaultLimit))}::int[]) as s(bucket, seconds, default_limit)
    ), created as (
      insert into strava_budget (bucket, window_start, window_end, used, "limit")
      select w.bucket, w.window_start, w.window_start + make_interval(secs => w.seconds), 0,
             coalesce((select b."limit" from strava_budget b where b.bucket = w.bucket order by b.window_start desc limit 1), w.default_limit)
      from w
      order by w.bucket
      on conflict (bucket, window_start) do nothing
    )
    select bucket, window_start, ${clock} as now from w`);
}

type ObservedBucket = BucketSpec & { used?: number; limit?: number; full: boolean; sentIn?: Date };

/**
 * Adopts what Strava said about one bucket's current window; returns the window's end. Its usage
 * (and a 429's "full") only when the request was sent in this window (or `sentIn` is unknown).
 */
async function recordBucket(db: Db, b: ObservedBucket, clock: SQL): Promise<Date> {
  const sentIn = sql`${b.sentIn?.toISOString() ?? null}::timestamptz`;
  const sentHere = (start: SQL) => sql`(${sentIn} is null or ${start} = ${sentIn})`;
  const [row] = await db.execute<{ window_end: Date }>(sql`
    insert into strava_budget (bucket, window_start, window_end, used, "limit")
    select ${b.bucket}, w.start, w.start + make_interval(secs => ${b.seconds}::float8),
           case when ${sentHere(sql`w.start`)} then ${b.used ?? 0}::int else 0 end, ${b.limit ?? b.defaultLimit}
    from (select ${windowStartAt(sql`${b.seconds}::float8`, clock)} as start) w
    on conflict (bucket, window_start) do update set
      "limit" = coalesce(${b.limit ?? null}::int, strava_budget."limit"),
      used = greatest(strava_budget.used, excluded.used,
                      case when ${b.full} and ${sentHere(sql`strava_budget.window_start`)} then coalesce(${b.limit ?? null}::int, strava_budget."limit") else 0 end),
      updated_at = now()
    returning window_end`);
  return row!.window_end;
}

/** Row locks in bucket order, so concurrent acquirers never deadlock. */
function lockWindows(db: Db, windows: BucketWindow[]): Promise<BucketRow[]> {
  return db.execute<BucketRow>(sql`
    select bucket, used, "limit", window_end from strava_budget
    where ${inWindows(windows)} order by bucket for update`);
}

function selectWindows(db: Db, windows: BucketWindow[]): Promise<BucketRow[]> {
  return db.execute<BucketRow>(sql`select bucket, used, "limit", window_end from strava_budget where ${inWindows(windows)}`);
}

function inWindows(windows: BucketWindow[]) {
  const buckets = windows.map((w) => w.bucket);
  const starts = windows.map((w) => w.window_start.toISOString());
  return sql`(bucket, window_start) in (select * from unnest(${sql.param(buckets)}::text[], ${sql.param(starts)}::timestamptz[]))`;
}

/** After a 429: the buckets Strava shows at their limit or, without headers, the short windows. */
function isExhausted(w: BucketSpec, seen: { used?: number; limit?: number }, limits: RateLimitHeaders): boolean {
  if (seen.used !== undefined && seen.limit !== undefined) return seen.used >= seen.limit;
  return Object.keys(limits).length === 0 && w.kind === "short";
}

function observedOf(w: BucketSpec, limits: RateLimitHeaders): { used?: number; limit?: number } {
  const index = w.kind === "short" ? 0 : 1;
  const [usage, limit] = w.bucket.startsWith("read") ? [limits.readUsage, limits.readLimit] : [limits.overallUsage, limits.overallLimit];
  return { used: usage?.[index], limit: limit?.[index] };
}
