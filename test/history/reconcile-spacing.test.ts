import { describe, expect, it } from "vitest";
import { reconcileSpacingMs } from "../../src/sync/reconcile-all.js";

const strava = { windowSeconds: 900, daySeconds: 86_400, reserveShare: 0.05 };

describe("reconcile-all pacing", () => {
  it("follows the daily budget when it is the tighter one (Strava's default 100 / 1,000 reads)", () => {
    // 1,000 × 95% × half for reconciles ÷ 2 calls = 237 athletes a day → one every ~6.1 minutes.
    expect(reconcileSpacingMs({ ...strava, shortLimit: 100, dailyLimit: 1000 })).toBeCloseTo(86_400_000 / 237, 0);
  });

  it("follows the 15-minute window when the day has room to spare", () => {
    // 100 × 95% × half ÷ 2 = 23 athletes per window → one every ~39 s.
    expect(reconcileSpacingMs({ ...strava, shortLimit: 100, dailyLimit: 1_000_000 })).toBeCloseTo(900_000 / 23, 0);
  });

  it("still moves on a tiny budget", () => {
    expect(reconcileSpacingMs({ ...strava, shortLimit: 1, dailyLimit: 1 })).toBe(86_400_000);
  });
});
