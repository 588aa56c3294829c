import { randomBytes } from "node:crypto";
import { z } from "zod";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const idList = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const parts = (v ?? "").split(",").map((p) => p.trim()).filter(Boolean);
    const ids = parts.map(Number);
    if (ids.some((n) => !Number.isSafeInteger(n) || n <= 0)) {
      ctx.addIssue({ code: "custom", message: "must be a comma-separated list of Strava athlete ids" });
      return z.NEVER;
    }
    return ids;
  });

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "15m,2h,12h" → [900, 7200, 43200] (ascending, each a number with unit s/m/h/d). */
function parseSchedule(value: string, ctx: z.RefinementCtx): number[] {
  const seconds = value.split(",").map((p) => p.trim()).filter(Boolean).map((p) => {
    const m = /^(\d+)([smhd])$/.exec(p);
    return m ? Number(m[1]) * DURATION_UNITS[m[2]!]! : NaN;
  });
  if (seconds.some((s) => !(s > 0)) || seconds.some((s, i) => i > 0 && s <= seconds[i - 1]!)) {
    ctx.addIssue({ code: "custom", message: 'must be ascending durations like "15m,2h,12h"' });
    return z.NEVER;
  }
  return seconds;
}

const encryptionKey = z.string().transform((v, ctx) => {
  const key = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, "hex") : Buffer.from(v, "base64");
  if (key.length !== 32) {
    ctx.addIssue({ code: "custom", message: "must be 32 bytes, base64 or 64 hex digits" });
    return z.NEVER;
  }
  return key;
});

const envSchema = z.object({
  DATABASE_URL: optionalString.pipe(z.string().url().optional()),
  PORT: positiveInt(3000).pipe(z.number().max(65535)),
  PUBLIC_URL: optionalString.pipe(z.string().url().optional()),
  STRAVA_CLIENT_ID: optionalString.pipe(z.string().regex(/^\d+$/, "must be a positive integer").transform(Number).optional()),
  STRAVA_CLIENT_SECRET: optionalString,
  STRAVA_VERIFY_TOKEN: optionalString,
  STRAVA_API_URL: z.string().url().default("https://www.strava.com/api/v3"),
  STRAVA_OAUTH_URL: z.string().url().default("https://www.strava.com/oauth"),
  STRAVA_SCOPES: z.string().default("read,activity:read_all"),
  STRAVA_RATE_LIMIT_WINDOW_S: positiveInt(900),
  STRAVA_RATE_LIMIT_DAY_S: positiveInt(86400),
  SESSION_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  TOKEN_ENCRYPTION_KEY: optionalString.pipe(encryptionKey.optional()),
  ADMIN_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  ADMIN_ATHLETE_IDS: idList,
  DASHBOARD_VISIBILITY: z.enum(["members", "self", "public"]).optional(),
  RECONCILE_OVERLAP_S: z.coerce.number().int().nonnegative().default(259200),
  RECONCILE_CRON: z.string().trim().regex(/^(\S+\s+){4}\S+$/, "must be a 5-field cron expression").default("0 3 * * *"),
  FOLLOW_UP_SCHEDULE: z.string().default("15m,2h,12h").transform((v, ctx) => parseSchedule(v, ctx)),
  MASS_DELETE_GUARD_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
  ACTIVITY_SYNC_DEBOUNCE_MS: z.coerce.number().int().nonnegative().default(1000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  WORKER_DEAD_AFTER_S: positiveInt(60),
  CORS_ORIGINS: optionalString.pipe(z.string().optional()),
});

export type Env = Record<string, string | undefined>;

export interface Config {
  databaseUrl: string | undefined;
  port: number;
  publicUrl: string;
  demo: boolean;
  strava: {
    clientId: number;
    clientSecret: string;
    verifyToken: string;
    apiUrl: string;
    oauthUrl: string;
    scopes: string;
    windowSeconds: number;
    daySeconds: number;
  };
  sessionSecret: string;
  tokenEncryptionKey: Buffer;
  adminToken: string | undefined;
  adminAthleteIds: number[];
  dashboardVisibility: "members" | "self" | "public";
  reconcileOverlapSeconds: number;
  /** Graphile Worker crontab pattern of the club-wide reconcile. */
  reconcileCron: string;
  /** Delays (seconds after upload) of the re-checks that catch a run marked as a race later. */
  followUpScheduleSeconds: number[];
  /** A reconcile or refresh removing more than this share of an athlete's races is held for an admin. */
  massDeleteGuardShare: number;
  /** How long an activity-sync waits for more events about the same activity (one API call per burst). */
  activitySyncDebounceMs: number;
  logLevel: string;
  /** A worker whose heartbeat is older than this is dead: its locked jobs are released. */
  workerDeadAfterSeconds: number;
  /** Origins allowed by CORS; empty = no CORS headers at all. */
  corsOrigins: string[];
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment once. Throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    throw new ConfigError(`Invalid configuration: ${variable} ${describeIssue(issue, variable, env[variable])}`);
  }
  const e = parsed.data;
  const demo = e.STRAVA_CLIENT_ID === undefined && e.STRAVA_CLIENT_SECRET === undefined;
  if (!demo) requireAll(e, ["STRAVA_CLIENT_ID", "STRAVA_CLIENT_SECRET", "SESSION_SECRET", "TOKEN_ENCRYPTION_KEY"]);
  return {
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ""),
    demo,
    strava: {
      clientId: e.STRAVA_CLIENT_ID ?? 0,
      clientSecret: e.STRAVA_CLIENT_SECRET ?? "",
      verifyToken: e.STRAVA_VERIFY_TOKEN ?? randomBytes(16).toString("hex"),
      apiUrl: e.STRAVA_API_URL.replace(/\/$/, ""),
      oauthUrl: e.STRAVA_OAUTH_URL.replace(/\/$/, ""),
      scopes: e.STRAVA_SCOPES,
      windowSeconds: e.STRAVA_RATE_LIMIT_WINDOW_S,
      daySeconds: e.STRAVA_RATE_LIMIT_DAY_S,
    },
    sessionSecret: e.SESSION_SECRET ?? randomBytes(32).toString("hex"),
    tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY ?? randomBytes(32),
    adminToken: e.ADMIN_TOKEN,
    adminAthleteIds: e.ADMIN_ATHLETE_IDS,
    dashboardVisibility: e.DASHBOARD_VISIBILITY ?? (demo ? "public" : "members"),
    reconcileOverlapSeconds: e.RECONCILE_OVERLAP_S,
    reconcileCron: e.RECONCILE_CRON,
    followUpScheduleSeconds: e.FOLLOW_UP_SCHEDULE,
    massDeleteGuardShare: e.MASS_DELETE_GUARD_SHARE,
    activitySyncDebounceMs: e.ACTIVITY_SYNC_DEBOUNCE_MS,
    logLevel: e.LOG_LEVEL,
    workerDeadAfterSeconds: e.WORKER_DEAD_AFTER_S,
    corsOrigins: (e.CORS_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean),
  };
}

function requireAll(values: Record<string, unknown>, names: string[]): void {
  for (const name of names) {
    if (values[name] === undefined) {
      throw new ConfigError(
        `Invalid configuration: ${name} is required when STRAVA_CLIENT_ID or STRAVA_CLIENT_SECRET is set ` +
          `(unset both to run in demo mode)`,
      );
    }
  }
}

const SECRET_VARIABLES = /SECRET|TOKEN|KEY|DATABASE_URL/;

function describeIssue(issue: z.core.$ZodIssue, variable: string, value: string | undefined): string {
  const hidden = value === undefined || SECRET_VARIABLES.test(variable);
  const shown = hidden ? "" : ` (got "${value.length > 40 ? `${value.slice(0, 40)}…` : value}")`;
  return `${issue.message.toLowerCase()}${shown}`;
}
