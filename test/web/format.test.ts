import { describe, expect, it } from "vitest";
import {
  DASH,
  formatCount,
  formatDate,
  formatDateTime,
  formatDuration,
  formatElevation,
  formatHeartRate,
  formatKm,
  formatMonth,
  formatPace,
  formatRelative,
  formatSpan,
  monthKey,
} from "../../web/src/format.js";

describe("distance", () => {
  it("shows meters as kilometres with two decimals", () => {
    expect(formatKm(5000)).toBe("5.00");
    expect(formatKm(21097.5)).toBe("21.10");
    expect(formatKm(42195, 1)).toBe("42.2");
    expect(formatKm(0)).toBe("0.00");
  });
  it("shows a dash for missing or impossible values", () => {
    expect(formatKm(null)).toBe(DASH);
    expect(formatKm(undefined)).toBe(DASH);
    expect(formatKm(Number.NaN)).toBe(DASH);
    expect(formatKm(-1)).toBe(DASH);
  });
});

describe("duration", () => {
  it("uses m:ss under an hour and h:mm:ss from an hour", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(59)).toBe("0:59");
    expect(formatDuration(1199)).toBe("19:59");
    expect(formatDuration(3600)).toBe("1:00:00");
    expect(formatDuration(3 * 3600 + 5 * 60 + 7)).toBe("3:05:07");
    expect(formatDuration(26 * 3600)).toBe("26:00:00");
  });
  it("rounds fractional seconds without producing :60", () => {
    expect(formatDuration(59.6)).toBe("1:00");
    expect(formatDuration(3599.5)).toBe("1:00:00");
  });
  it("shows a dash for missing values", () => {
    expect(formatDuration(null)).toBe(DASH);
    expect(formatDuration(-5)).toBe(DASH);
  });
});

describe("pace", () => {
  it("gives minutes and seconds per kilometre", () => {
    expect(formatPace(1200, 5000)).toBe("4:00");
    expect(formatPace(3 * 3600, 42195)).toBe("4:16");
    expect(formatPace(1799, 5000)).toBe("6:00"); // 359.8 s/km rounds up without a :60
  });
  it("shows a dash when distance or time is zero or missing", () => {
    expect(formatPace(1200, 0)).toBe(DASH);
    expect(formatPace(0, 5000)).toBe(DASH);
    expect(formatPace(null, 5000)).toBe(DASH);
  });
});

describe("elevation, heart rate and counts", () => {
  it("rounds to whole numbers", () => {
    expect(formatElevation(123.6)).toBe("124");
    expect(formatElevation(0)).toBe("0");
    expect(formatHeartRate(161.4)).toBe("161");
    expect(formatCount(12345)).toBe("12,345");
  });
  it("shows a dash for missing heart rate and elevation", () => {
    expect(formatHeartRate(null)).toBe(DASH);
    expect(formatHeartRate(0)).toBe(DASH);
    expect(formatElevation(undefined)).toBe(DASH);
    expect(formatCount(undefined)).toBe(DASH);
  });
});

describe("dates", () => {
  it("reads Strava's start_date_local as wall-clock time, whatever the viewer's zone", () => {
    expect(formatDate("2026-03-08T23:30:00Z")).toBe("8 Mar 2026");
    expect(formatDateTime("2026-03-08T07:05:00Z")).toBe("8 Mar 2026, 07:05");
    expect(formatDate("2026-12-31")).toBe("31 Dec 2026");
  });
  it("shows a dash for garbage", () => {
    expect(formatDate("not a date")).toBe(DASH);
    expect(formatDate("2026-13-01T00:00:00Z")).toBe(DASH);
    expect(formatDate(null)).toBe(DASH);
  });
  it("groups by month", () => {
    expect(monthKey("2026-03-08T23:30:00Z")).toBe("2026-03");
    expect(monthKey("nope")).toBeNull();
    expect(formatMonth("2026-03")).toBe("Mar 2026");
    expect(formatMonth("2026-03", true)).toBe("Mar");
  });
  it("describes ages relative to now", () => {
    const now = Date.parse("2026-06-01T12:00:00Z");
    expect(formatRelative("2026-06-01T11:59:50Z", now)).toBe("just now");
    expect(formatRelative("2026-06-01T11:55:00Z", now)).toBe("5 min ago");
    expect(formatRelative("2026-06-01T09:00:00Z", now)).toBe("3 h ago");
    expect(formatRelative("2026-05-30T12:00:00Z", now)).toBe("2 d ago");
    expect(formatRelative("2026-06-01T12:10:00Z", now)).toBe("in 10 min");
    expect(formatRelative("2026-01-02T12:00:00Z", now)).toBe("2 Jan 2026");
    expect(formatRelative(null, now)).toBe(DASH);
  });
  it("spans are coarse", () => {
    expect(formatSpan(40)).toBe("40 s");
    expect(formatSpan(160)).toBe("3 min");
    expect(formatSpan(7200)).toBe("2 h");
    expect(formatSpan(3 * 86400)).toBe("3 d");
  });
});
