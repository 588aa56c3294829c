import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { z } from "zod";
import type { LogFormat } from "./log.js";
import { StartupError } from "./lifecycle/startup-error.js";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const wholePositive = z.coerce.number().int().positive();
const positiveInt = (fallback: number) => wholePositive.default(fallback);
/** Seconds, fractions allowed: benchmarks compress time (a 15-minute window of 0.375 s). */
const positiveSeconds = (fallback: number) => z.coerce.number().positive().default(fallback);

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

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** "15m,2h45m,12h" → [900, 9900, 43200] (ascending; each numbers with units ms/s/m/h/d). */
/** "45m", "2h45m", "500ms" → seconds; NaN when malformed. */
function durationSeconds(text: string): number {
  if (!/^(\d+(ms|[smhd]))+$/.test(text)) return NaN;
  return [...text.matchAll(/(\d+)(ms|[smhd])/g)].reduce((sum, m) => sum + Number(m[1]) * DURATION_UNITS[m[2]!]!, 0);
}

function parseSchedule(value: string, ctx: z.RefinementCtx): number[] {
  const seconds = value.split(",").map((p) => p.trim()).filter(Boolean).map(durationSeconds);
  if (seconds.some((s) => !(s > 0)) || seconds.some((s, i) => i > 0 && s <= seconds[i - 1]!)) {
    ctx.addIssue({ code: "custom", message: 'must be ascending durations like "1h,2h45m,6h"' });
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

/** Every variable racesync reads, parsed and checked (the one parser; scripts pick what they need). */
export const envSchema = z.object({
  DATABASE_URL: optionalString.pipe(z.string().url().optional()),
  PORT: positiveInt(3000).pipe(z.number().max(65535)),
  PUBLIC_URL: optionalString.pipe(z.string().url().optional()),
  STRAVA_CLIENT_ID: optionalString.pipe(z.string().regex(/^\d+$/, "must be a positive integer").transform(Number).optional()),
  STRAVA_CLIENT_SECRET: optionalString,
  STRAVA_VERIFY_TOKEN: optionalString,
  STRAVA_API_URL: z.string().url().default("https://www.strava.com/api/v3"),
  STRAVA_OAUTH_URL: z.string().url().default("https://www.strava.com/oauth"),
  STRAVA_SCOPES: z.string().default("read,activity:read_all"),
  STRAVA_RATE_LIMIT_WINDOW_S: positiveSeconds(900),
  STRAVA_RATE_LIMIT_DAY_S: positiveSeconds(86400),
  SESSION_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  TOKEN_ENCRYPTION_KEY: optionalString.pipe(encryptionKey.optional()),
  TOKEN_ENCRYPTION_KEY_PREVIOUS: optionalString.pipe(encryptionKey.optional()),
  // Strava answers a refresh with the same access token while it has more than an hour left: a
  // margin of an hour or more would refresh before every call.
  STRAVA_TOKEN_REFRESH_MARGIN_S: wholePositive.max(3599, "must be under an hour (Strava returns the same access token while more than an hour is left)").default(300),
  ADMIN_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  ADMIN_ATHLETE_IDS: idList,
  DASHBOARD_VISIBILITY: z.enum(["members", "self", "public"]).optional(),
  RECONCILE_OVERLAP_S: z.coerce.number().int().nonnegative().default(259200),
  RECONCILE_MAX_AGE_DAYS: positiveInt(7),
  STRAVA_MAX_CACHE_DAYS: optionalString.pipe(z.string().regex(/^[1-9]\d*$/, "must be a positive number of days").transform(Number).optional()),
  STRAVA_CLUB_ID: optionalString.pipe(z.string().regex(/^[1-9]\d*$/, "must be a Strava club id (a positive integer)").transform(Number).optional()),
  FOLLOW_UP_SCHEDULE: z.string().default("2h,4h,6h").transform((v, ctx) => parseSchedule(v, ctx)),
  MASS_DELETE_GUARD_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
  ACTIVITY_SYNC_DEBOUNCE_MS: z.coerce.number().int().nonnegative().default(1000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  WORKER_DEAD_AFTER_S: positiveInt(60),
  SSE_HEARTBEAT_S: positiveInt(15),
  SSE_MAX_STREAMS_PER_SESSION: positiveInt(10),
  SSE_MAX_STREAMS_PER_IP: positiveInt(100),
  SHUTDOWN_TIMEOUT_S: positiveInt(30),
  CORS_ORIGINS: optionalString.pipe(z.string().optional()),
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
});

export type Env = Record<string, string | undefined>;

/** The process environment, with a `.env` file in the working directory loaded first when present
 * (variables already set win over the file). The one place that reads process.env. */
export function readEnvironment(file = ".env"): Env {
  if (existsSync(file)) process.loadEnvFile(file);
  return process.env;
}

export interface Config {
  databaseUrl: string | undefined;
  port: number;
  publicUrl: string;
  demo: boolean;
  strava: {
    clientId: number;
    clientSecret: string;
    /** STRAVA_VERIFY_TOKEN; unset only in demo mode, where one is generated and stored in the database. */
    verifyToken: string | undefined;
    apiUrl: string;
    oauthUrl: string;
    scopes: string;
    windowSeconds: number;
    daySeconds: number;
    /** An access token expiring sooner than this is refreshed before use. */
    tokenRefreshMarginSeconds: number;
  };
  sessionSecret: string;
  tokenEncryptionKey: Buffer;
  /** The key being rotated away from: still decrypts, never encrypts. */
  tokenEncryptionKeyPrevious: Buffer | undefined;
  adminToken: string | undefined;
  adminAthleteIds: number[];
  dashboardVisibility: "members" | "self" | "public";
  reconcileOverlapSeconds: number;
  /** Every connected athlete is reconciled at least this often (more often when the budget allows). */
  reconcileMaxAgeDays: number;
  /** When set, every stored race is re-confirmed from Strava within this many days, or removed. */
  maxCacheDays: number | undefined;
  /** Delays (seconds after upload) of the re-checks that catch a run marked as a race later, until the club's own figures replace them. */
  followUpScheduleSeconds: number[];
  /**
   * The club whose activity feed (one list call for every member's recent activities) answers the
   * follow-ups of runs shown to everyone; unset: one list call per athlete and check.
   */
  clubId: number | undefined;
  /** A reconcile or refresh removing more than this share of an athlete's races is held for an admin. */
  massDeleteGuardShare: number;
  /** How long an activity-sync waits for more events about the same activity (one API call per burst). */
  activitySyncDebounceMs: number;
  logLevel: string;
  /** `json` lines for machines, `pretty` for people; unset: pretty on a terminal, else json. */
  logFormat: LogFormat | undefined;
  /** A worker whose heartbeat is older than this is dead: its locked jobs are released. */
  workerDeadAfterSeconds: number;
  /** Open dashboard streams get a heartbeat this often; each one re-checks the viewer's access. */
  sseHeartbeatSeconds: number;
  /** Open dashboard streams allowed per session and per client address, in each web process. */
  sseMaxStreams: { perSession: number; perIp: number };
  /** A stop that takes longer ends the process anyway (exit 1); the embedded Postgres still stops. */
  shutdownTimeoutSeconds: number;
  /** When set, `/metrics` answers only `Authorization: Bearer` with it. */
  metricsToken: string | undefined;
  /** Origins allowed by CORS; empty = no CORS headers at all. */
  corsOrigins: string[];
}

/** A bad or missing variable: stops start-up with one line naming it. */
export class ConfigError extends StartupError {
  override name = "ConfigError";
}

/** Parses `env` with `schema`; throws a ConfigError naming the first bad variable (never a secret's value). */
export function parseEnv<T extends z.ZodType>(schema: T, env: Env): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0] ?? "environment");
  throw new ConfigError(`Invalid configuration: ${variable} ${describeIssue(issue, variable, env[variable])}`);
}

/** Strips a trailing slash, so paths can be appended with one. */
export const withoutTrailingSlash = (url: string) => url.replace(/\/$/, "");

/** Parses the environment once. Throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Env): Config {
  const e = parseEnv(envSchema, env);
  const demo = e.STRAVA_CLIENT_ID === undefined && e.STRAVA_CLIENT_SECRET === undefined;
  if (!demo) requireAll(e, ["STRAVA_CLIENT_ID", "STRAVA_CLIENT_SECRET", "STRAVA_VERIFY_TOKEN", "SESSION_SECRET", "TOKEN_ENCRYPTION_KEY"]);
  return {
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    publicUrl: withoutTrailingSlash(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`),
    demo,
    strava: {
      clientId: e.STRAVA_CLIENT_ID ?? 0,
      clientSecret: e.STRAVA_CLIENT_SECRET ?? "",
      verifyToken: e.STRAVA_VERIFY_TOKEN,
      apiUrl: withoutTrailingSlash(e.STRAVA_API_URL),
      oauthUrl: withoutTrailingSlash(e.STRAVA_OAUTH_URL),
      scopes: e.STRAVA_SCOPES,
      windowSeconds: e.STRAVA_RATE_LIMIT_WINDOW_S,
      daySeconds: e.STRAVA_RATE_LIMIT_DAY_S,
      tokenRefreshMarginSeconds: e.STRAVA_TOKEN_REFRESH_MARGIN_S,
    },
    sessionSecret: e.SESSION_SECRET ?? randomBytes(32).toString("hex"),
    tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY ?? randomBytes(32),
    tokenEncryptionKeyPrevious: previousKey(e.TOKEN_ENCRYPTION_KEY, e.TOKEN_ENCRYPTION_KEY_PREVIOUS),
    adminToken: e.ADMIN_TOKEN,
    adminAthleteIds: e.ADMIN_ATHLETE_IDS,
    dashboardVisibility: e.DASHBOARD_VISIBILITY ?? (demo ? "public" : "members"),
    reconcileOverlapSeconds: e.RECONCILE_OVERLAP_S,
    reconcileMaxAgeDays: e.RECONCILE_MAX_AGE_DAYS,
    maxCacheDays: e.STRAVA_MAX_CACHE_DAYS,
    followUpScheduleSeconds: e.FOLLOW_UP_SCHEDULE,
    clubId: e.STRAVA_CLUB_ID,
    massDeleteGuardShare: e.MASS_DELETE_GUARD_SHARE,
    activitySyncDebounceMs: e.ACTIVITY_SYNC_DEBOUNCE_MS,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    workerDeadAfterSeconds: e.WORKER_DEAD_AFTER_S,
    sseHeartbeatSeconds: e.SSE_HEARTBEAT_S,
    sseMaxStreams: { perSession: e.SSE_MAX_STREAMS_PER_SESSION, perIp: e.SSE_MAX_STREAMS_PER_IP },
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_S,
    metricsToken: e.METRICS_TOKEN,
    corsOrigins: (e.CORS_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean),
  };
}

/** What a required variable is for, when its name does not say. */
const REQUIRED_BECAUSE: Record<string, string> = {
  STRAVA_VERIFY_TOKEN: "the webhook validation token, the same value for every racesync process and the subscription script",
};

/** The previous key only makes sense beside a current one, and different from it. */
function previousKey(current: Buffer | undefined, previous: Buffer | undefined): Buffer | undefined {
  if (previous === undefined) return undefined;
  if (current === undefined) throw new ConfigError("Invalid configuration: TOKEN_ENCRYPTION_KEY_PREVIOUS needs TOKEN_ENCRYPTION_KEY (the new key)");
  if (previous.equals(current)) throw new ConfigError("Invalid configuration: TOKEN_ENCRYPTION_KEY_PREVIOUS is the same key as TOKEN_ENCRYPTION_KEY");
  return previous;
}

function requireAll(values: Record<string, unknown>, names: string[]): void {
  for (const name of names) {
    if (values[name] === undefined) {
      const because = REQUIRED_BECAUSE[name] ? `; it is ${REQUIRED_BECAUSE[name]}` : "";
      throw new ConfigError(
        `Invalid configuration: ${name} is required when STRAVA_CLIENT_ID or STRAVA_CLIENT_SECRET is set ` +
          `(unset both to run in demo mode)${because}`,
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
