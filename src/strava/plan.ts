import type { Priority } from "./types.js";

/** What the day's read calls are spent on (strava_usage.kind). */
export const USAGE_KINDS = ["webhook", "confirmation", "follow_up", "reconcile", "backfill", "cache"] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];
export type Usage = Record<UsageKind, number>;

export const emptyUsage = (): Usage => ({ webhook: 0, confirmation: 0, follow_up: 0, reconcile: 0, backfill: 0, cache: 0 });

/** The kind a call at this priority is counted as: an admin-forced reconcile is still a reconcile. */
export function usageKindOf(priority: Priority): UsageKind {
  return priority === "forced" ? "reconcile" : priority;
}

/** A reconcile usually needs one list call, sometimes two. */
export const CALLS_PER_RECONCILE = 1.2;

/**
 * The longest the planner plans between two reconciles of an athlete: RECONCILE_MAX_AGE_DAYS with
 * some slack (a day in a week), so the pace's jitter and a busy window never push one past the limit.
 */
export const reconcileTargetDays = (maxAgeDays: number) => maxAgeDays * 0.85;

/**
 * How far follow-ups may run ahead of their even line, as a share of what they may want a day:
 * new runs come in peaks (early morning, evening) and their checks follow hours later, some
 * across midnight, so an even line alone would defer a peak's checks by hours. Reconciles beyond
 * their floor give way meanwhile.
 */
export const FOLLOW_UP_AHEAD_DAY_SHARE = 1 / 8;

export interface PlanInput {
  /** The daily read limit (learned from Strava's headers) and what is spent of it. */
  dailyLimit: number;
  dailyUsed: number;
  /** Share of each window kept for webhook work. */
  reserveShare: number;
  /** Share of the day gone now, and at the end of the current short window (0..1). */
  dayShareNow: number;
  dayShareAtWindowEnd: number;
  /** Number of short windows in a day. */
  windowsPerDay: number;
  today: Usage;
  /** The previous day's calls; null on the first day. */
  yesterday: Usage | null;
  /** Connected, unblocked athletes and how often each must at least be reconciled. */
  athletes: number;
  reconcileMaxAgeDays: number;
  /** Checks FOLLOW_UP_SCHEDULE makes after a new run: what each upload may cost in follow-ups. */
  followUpChecksPerUpload: number;
}

export interface DayPlan {
  /** The day's projected calls by kind (what is spent plus the rest of the day at the learned pace). */
  projected: Usage;
  /** Calls kept for webhook work (webhook and confirmation) for the rest of the day. */
  webhookReserve: number;
  /** What the day leaves for everything but webhook work. */
  background: number;
  /** Reconcile calls a day that must never be crowded out: every athlete within RECONCILE_MAX_AGE_DAYS. */
  reconcileFloor: number;
  /**
   * Follow-up calls the day may want: every new run checked on schedule (webhook fetches at the
   * projected pace × the checks per upload), or what follow-ups are projected to spend if more,
   * within what the reconciles' floor leaves. Reconciles beyond their floor get only the rest.
   */
  followUpDemand: number;
  /**
   * Cumulative calls that may be spent today by the end of this window, so the day's budget
   * lasts the day: all non-webhook work (`line`), and with follow-ups ahead of it by their burst
   * allowance (`followUpLine`), follow-ups alone (leaving reconciles their floor, also with the
   * allowance), reconciles and backfills (leaving follow-ups their next window, and by
   * themselves no more than the even share of what follow-ups may want leaves: `others`), reconciles
   * whatever follow-ups want (their floor); and the day's total admin-forced work may reach
   * (everything but the webhook reserve).
   */
  caps: { line: number; followUpLine: number; followUp: number; background: number; others: number; reconcileFloor: number; forced: number };
}

const WEBHOOK_KINDS: UsageKind[] = ["webhook", "confirmation"];
const sum = (u: Usage, kinds: readonly UsageKind[] = USAGE_KINDS) => kinds.reduce((n, k) => n + u[k], 0);

/**
 * The budget planner's allocation of the day's read budget. Webhook work comes first (its
 * projected need for the rest of the day, at least the reserve share, is never lent out); then
 * follow-ups; reconciles and backfills fill what is left. Non-webhook work follows a line that
 * spreads what the day leaves evenly over its windows: what a window does not use rolls over.
 */
export function planDay(input: PlanInput): DayPlan {
  const projected = projectDay(input);
  const webhookDay = Math.max(Math.ceil(input.dailyLimit * input.reserveShare), sum(projected, WEBHOOK_KINDS));
  const webhookReserve = Math.max(0, webhookDay - sum(input.today, WEBHOOK_KINDS));
  // The gate stops non-webhook work at the limit less its reserve, webhook calls counted: the line
  // ends there, or it promises calls the day's last hours cannot have.
  const background = Math.max(0, input.dailyLimit - Math.ceil(input.dailyLimit * input.reserveShare) - sum(projected, WEBHOOK_KINDS));
  const reconcileFloor = Math.min(background / 2, (input.athletes * CALLS_PER_RECONCILE) / reconcileTargetDays(input.reconcileMaxAgeDays));
  const share = input.dayShareAtWindowEnd;
  const followUpDemand = Math.max(0, Math.min(background - reconcileFloor, Math.max(projected.follow_up, projected.webhook * input.followUpChecksPerUpload)));
  const followUpNextWindow = share < 1 ? Math.ceil(followUpDemand / input.windowsPerDay) : 0;
  // Every class may always spend at least one call per window: a tiny budget still moves.
  const line = (total: number) => Math.max(Math.floor(total * share), Math.ceil(share * input.windowsPerDay));
  const allowance = Math.ceil(followUpDemand * FOLLOW_UP_AHEAD_DAY_SHARE);
  const ahead = (total: number) => Math.max(line(total), Math.min(Math.floor(total), line(total) + allowance));
  return {
    projected,
    webhookReserve,
    background,
    reconcileFloor,
    followUpDemand,
    caps: {
      line: line(background),
      followUpLine: ahead(background),
      followUp: ahead(background - reconcileFloor),
      background: Math.max(line(background) - followUpNextWindow, Math.ceil(share * input.windowsPerDay)),
      others: line(background) - Math.floor(followUpDemand * share),
      reconcileFloor: line(reconcileFloor),
      forced: Math.max(0, input.dailyLimit - webhookReserve),
    },
  };
}

/** Spent today plus the rest of the day at yesterday's pace (or today's, on the first day). */
function projectDay(input: PlanInput): Usage {
  const rest = 1 - input.dayShareNow;
  const projected = emptyUsage();
  for (const kind of USAGE_KINDS) {
    const perDay = input.yesterday ? input.yesterday[kind] : input.today[kind] / Math.max(input.dayShareNow, 0.25);
    projected[kind] = Math.round(input.today[kind] + perDay * rest);
  }
  return projected;
}

/**
 * May one more call at this priority be made now? Webhook work: always (Strava's own limits still
 * apply). Admin-forced work: while the day keeps its webhook reserve. Follow-ups: under the line and
 * their own line (which leaves reconciles their floor), both with their burst allowance. Reconciles
 * and backfills: under the line minus what follow-ups need in the next window, and by themselves
 * under the even share of what follow-ups may want leaves; reconciles also up to their floor's
 * line, however much follow-ups want (else a busy club's reconciles wait for days).
 */
export function admits(plan: DayPlan, priority: Priority, spent: { today: Usage; dailyUsed: number }): boolean {
  if (priority === "webhook" || priority === "confirmation") return true;
  if (priority === "forced") return spent.dailyUsed < plan.caps.forced;
  const nonWebhook = sum(spent.today) - sum(spent.today, WEBHOOK_KINDS);
  if (priority === "follow_up") return nonWebhook < plan.caps.followUpLine && spent.today.follow_up < plan.caps.followUp;
  if (priority === "reconcile" && nonWebhook < plan.caps.line && spent.today.reconcile < plan.caps.reconcileFloor) return true;
  // What follow-ups do not spend early stays theirs: a club's late-evening checks come when the day is nearly gone.
  return nonWebhook < plan.caps.background && nonWebhook - spent.today.follow_up < plan.caps.others;
}

/**
 * Club size the day's budget serves at the current settings: the reads one athlete costs a day
 * (webhook fetches and follow-ups at the learned pace, plus a reconcile every RECONCILE_MAX_AGE_DAYS)
 * into what the day has after its reserve. Null until there is an athlete to learn from.
 */
export function clubCapacity(plan: DayPlan, input: Pick<PlanInput, "dailyLimit" | "reserveShare" | "athletes" | "reconcileMaxAgeDays">) {
  if (input.athletes === 0) return { athletes_served: null, reads_per_athlete_day: null };
  const perAthlete = (sum(plan.projected, [...WEBHOOK_KINDS, "follow_up"]) / input.athletes) + CALLS_PER_RECONCILE / reconcileTargetDays(input.reconcileMaxAgeDays);
  const usable = input.dailyLimit * (1 - input.reserveShare);
  return { athletes_served: Math.floor(usable / perAthlete), reads_per_athlete_day: Math.round(perAthlete * 100) / 100 };
}
