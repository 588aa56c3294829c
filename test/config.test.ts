import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";

const production = {
  STRAVA_CLIENT_ID: "12345",
  STRAVA_CLIENT_SECRET: "s3cret",
  STRAVA_VERIFY_TOKEN: "club-verify-token",
  SESSION_SECRET: "x".repeat(32),
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
};

describe("configuration", () => {
  it("runs in demo mode with no Strava credentials, generating secrets", () => {
    const config = loadConfig({});
    expect(config.demo).toBe(true);
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe("http://localhost:3000");
    expect(config.tokenEncryptionKey).toHaveLength(32);
    expect(config.dashboardVisibility).toBe("public");
    expect(config.strava.windowSeconds).toBe(900);
    expect(config.strava.daySeconds).toBe(86400);
    expect(config.reconcileOverlapSeconds).toBe(259200);
    expect(config.shutdownTimeoutSeconds).toBe(30);
  });

  it("parses a full production environment", () => {
    const config = loadConfig({ ...production, PORT: "8080", ADMIN_ATHLETE_IDS: "1, 2,3", TOKEN_ENCRYPTION_KEY: "ab".repeat(32), SHUTDOWN_TIMEOUT_S: "10" });
    expect(config.demo).toBe(false);
    expect(config.strava.clientId).toBe(12345);
    expect(config.adminAthleteIds).toEqual([1, 2, 3]);
    expect(config.tokenEncryptionKey.equals(Buffer.alloc(32, 0xab))).toBe(true);
    expect(config.dashboardVisibility).toBe("members");
    expect(config.publicUrl).toBe("http://localhost:8080");
    expect(config.shutdownTimeoutSeconds).toBe(10);
    expect(config.logFormat).toBeUndefined(); // pretty on a terminal, JSON elsewhere
    expect(loadConfig({ LOG_FORMAT: "pretty" }).logFormat).toBe("pretty");
  });

  it("takes compressed time: fractional rate-limit windows and follow-ups in milliseconds", () => {
    const config = loadConfig({ STRAVA_RATE_LIMIT_WINDOW_S: "0.375", STRAVA_RATE_LIMIT_DAY_S: "36", FOLLOW_UP_SCHEDULE: "375ms,3s,18s" });
    expect(config.strava).toMatchObject({ windowSeconds: 0.375, daySeconds: 36 });
    expect(config.followUpScheduleSeconds).toEqual([0.375, 3, 18]);
    expect(loadConfig({}).followUpScheduleSeconds).toEqual([7200, 14400, 21600]); // the default "2h,4h,6h"
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ["PORT", { PORT: "eighty" }, /PORT .*"eighty"/],
    ["PORT", { PORT: "70000" }, /PORT/],
    ["PUBLIC_URL", { PUBLIC_URL: "not a url" }, /PUBLIC_URL/],
    ["STRAVA_CLIENT_ID", { ...production, STRAVA_CLIENT_ID: "abc" }, /STRAVA_CLIENT_ID must be a positive integer/],
    ["STRAVA_API_URL", { STRAVA_API_URL: "nope" }, /STRAVA_API_URL/],
    ["STRAVA_RATE_LIMIT_WINDOW_S", { STRAVA_RATE_LIMIT_WINDOW_S: "0" }, /STRAVA_RATE_LIMIT_WINDOW_S/],
    ["STRAVA_RATE_LIMIT_DAY_S", { STRAVA_RATE_LIMIT_DAY_S: "-5" }, /STRAVA_RATE_LIMIT_DAY_S/],
    ["SESSION_SECRET", { SESSION_SECRET: "short" }, /SESSION_SECRET must be at least 32 characters/],
    ["TOKEN_ENCRYPTION_KEY", { TOKEN_ENCRYPTION_KEY: "dG9vIHNob3J0" }, /TOKEN_ENCRYPTION_KEY must be 32 bytes/],
    ["ADMIN_TOKEN", { ADMIN_TOKEN: "tiny" }, /ADMIN_TOKEN must be at least 16/],
    ["ADMIN_ATHLETE_IDS", { ADMIN_ATHLETE_IDS: "12,abc" }, /ADMIN_ATHLETE_IDS must be a comma-separated list/],
    ["DASHBOARD_VISIBILITY", { DASHBOARD_VISIBILITY: "everyone" }, /DASHBOARD_VISIBILITY/],
    ["RECONCILE_OVERLAP_S", { RECONCILE_OVERLAP_S: "soon" }, /RECONCILE_OVERLAP_S/],
    ["FOLLOW_UP_SCHEDULE", { FOLLOW_UP_SCHEDULE: "2h,15m" }, /FOLLOW_UP_SCHEDULE must be ascending durations/],
    ["FOLLOW_UP_SCHEDULE", { FOLLOW_UP_SCHEDULE: "1.5s" }, /FOLLOW_UP_SCHEDULE/],
    ["FOLLOW_UP_SCHEDULE", { FOLLOW_UP_SCHEDULE: "2hh" }, /FOLLOW_UP_SCHEDULE/],
    ["STRAVA_TOKEN_REFRESH_MARGIN_S", { STRAVA_TOKEN_REFRESH_MARGIN_S: "3600" }, /STRAVA_TOKEN_REFRESH_MARGIN_S must be under an hour/],
    ["LOG_LEVEL", { LOG_LEVEL: "loud" }, /LOG_LEVEL/],
    ["LOG_FORMAT", { LOG_FORMAT: "xml" }, /LOG_FORMAT/],
    ["SHUTDOWN_TIMEOUT_S", { SHUTDOWN_TIMEOUT_S: "0" }, /SHUTDOWN_TIMEOUT_S/],
    ["DATABASE_URL", { DATABASE_URL: "::::" }, /DATABASE_URL/],
  ];
  it.each(bad)("names %s when its value is malformed", (_name, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each(["STRAVA_CLIENT_SECRET", "STRAVA_VERIFY_TOKEN", "SESSION_SECRET", "TOKEN_ENCRYPTION_KEY"])(
    "requires %s once Strava credentials are set",
    (name) => {
      const env: Record<string, string | undefined> = { ...production, [name]: undefined };
      expect(() => loadConfig(env)).toThrow(new RegExp(`${name} is required`));
    },
  );

  it("says what a missing STRAVA_VERIFY_TOKEN is for (demo mode generates and stores its own)", () => {
    expect(() => loadConfig({ ...production, STRAVA_VERIFY_TOKEN: undefined })).toThrow(
      /^Invalid configuration: STRAVA_VERIFY_TOKEN is required when STRAVA_CLIENT_ID or STRAVA_CLIENT_SECRET is set \(unset both to run in demo mode\); it is the webhook validation token/,
    );
    expect(loadConfig({}).strava.verifyToken).toBeUndefined();
    expect(loadConfig({ STRAVA_VERIFY_TOKEN: "mine" }).strava.verifyToken).toBe("mine");
  });

  it("never echoes a secret's value in its error", () => {
    expect(() => loadConfig({ SESSION_SECRET: "hunter2" })).toThrow(/^(?!.*hunter2).*$/);
  });
});
