// Pure formatting helpers. Everything returns a display string; missing values become an en dash.

export const DASH = "–";

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Meters → "10.00" (km, two decimals by default). */
export function formatKm(meters: number | null | undefined, decimals = 2): string {
  if (!isNum(meters) || meters < 0) return DASH;
  return (meters / 1000).toFixed(decimals);
}

/** Seconds → "h:mm:ss", or "m:ss" under an hour. */
export function formatDuration(seconds: number | null | undefined): string {
  if (!isNum(seconds) || seconds < 0) return DASH;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  if (h === 0) return `${m}:${ss}`;
  return `${h}:${String(m).padStart(2, "0")}:${ss}`;
}

/** Seconds and meters → pace "m:ss" per km. */
export function formatPace(seconds: number | null | undefined, meters: number | null | undefined): string {
  if (!isNum(seconds) || !isNum(meters) || meters <= 0 || seconds <= 0) return DASH;
  const perKm = Math.round((seconds * 1000) / meters);
  const m = Math.floor(perKm / 60);
  return `${m}:${String(perKm % 60).padStart(2, "0")}`;
}

/** Meters of climb → "123". */
export function formatElevation(meters: number | null | undefined): string {
  if (!isNum(meters)) return DASH;
  return String(Math.round(meters));
}

/** Beats per minute → "162". */
export function formatHeartRate(bpm: number | null | undefined): string {
  if (!isNum(bpm) || bpm <= 0) return DASH;
  return String(Math.round(bpm));
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Strava's start_date_local is the local wall clock written with a "Z" suffix. Read its date part
 * literally so the race shows the day it was run wherever the viewer is.
 */
function localParts(iso: string | null | undefined): { y: number; mo: number; d: number; h: number; mi: number } | null {
  if (typeof iso !== "string") return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(iso);
  if (!m) return null;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4] ?? "0", m[5] ?? "0"].map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  return { y, mo, d, h, mi };
}

/** "2026-03-08T09:30:00Z" → "8 Mar 2026". */
export function formatDate(iso: string | null | undefined): string {
  const p = localParts(iso);
  if (!p) return DASH;
  return `${p.d} ${MONTHS[p.mo - 1]} ${p.y}`;
}

/** "2026-03-08T09:30:00Z" → "8 Mar 2026, 09:30". */
export function formatDateTime(iso: string | null | undefined): string {
  const p = localParts(iso);
  if (!p) return DASH;
  return `${formatDate(iso)}, ${String(p.h).padStart(2, "0")}:${String(p.mi).padStart(2, "0")}`;
}

/** "2026-03-08…" → "2026-03" (a month key for grouping). */
export function monthKey(iso: string | null | undefined): string | null {
  const p = localParts(iso);
  return p ? `${p.y}-${String(p.mo).padStart(2, "0")}` : null;
}

/** "2026-03" → "Mar 2026"; short=true → "Mar". */
export function formatMonth(key: string, short = false): string {
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (!m) return key;
  const name = MONTHS[Number(m[2]) - 1] ?? m[2];
  return short ? `${name}` : `${name} ${m[1]}`;
}

/** A timestamp relative to now: "just now", "5 min ago", "3 h ago", "2 d ago", or a date. */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
  if (typeof iso !== "string") return DASH;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return DASH;
  const diff = Math.round((now - t) / 1000);
  if (diff < 0) return `in ${formatSpan(-diff)}`;
  if (diff < 45) return "just now";
  if (diff < 7 * 86400) return `${formatSpan(diff)} ago`;
  return formatDate(iso);
}

/** Seconds → "40 s", "5 min", "3 h", "2 d" (coarse, for ETAs and ages). */
export function formatSpan(seconds: number): string {
  if (!isNum(seconds) || seconds < 0) return DASH;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

/** 12345 → "12,345". */
export function formatCount(n: number | null | undefined): string {
  if (!isNum(n)) return DASH;
  return Math.round(n).toLocaleString("en-US");
}
