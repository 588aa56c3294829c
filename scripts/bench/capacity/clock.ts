/**
 * Compressed time for the capacity benchmark: one simulated second lasts 1/factor real seconds.
 * Simulated day 0 starts on a boundary of the compressed daily rate-limit window, so simulated
 * midnights are the windows' resets, as midnight UTC is at Strava.
 */
export const HOUR = 3600;
export const DAY = 86_400;
const SHORT_WINDOW = 900;

export interface Compression {
  /** Simulated seconds per real second (the 15-minute window rounded to whole milliseconds). */
  factor: number;
  windowMs: number;
  dayMs: number;
}

export function compression(wanted: number): Compression {
  const windowMs = Math.max(1, Math.round((SHORT_WINDOW * 1000) / wanted));
  return { factor: (SHORT_WINDOW * 1000) / windowMs, windowMs, dayMs: windowMs * (DAY / SHORT_WINDOW) };
}

export class SimClock {
  constructor(readonly c: Compression, readonly startMs: number) {}

  /** Starts simulated day 0 at the next daily window that begins at least `leadMs` from now. */
  static nextDay(c: Compression, leadMs: number): SimClock {
    return new SimClock(c, Math.ceil((Date.now() + leadMs) / c.dayMs) * c.dayMs);
  }

  /** Real epoch ms at `simSeconds` after the start of day 0. */
  realMs(simSeconds: number): number {
    return this.startMs + (simSeconds * 1000) / this.c.factor;
  }

  /** Simulated seconds since the start of day 0 at real epoch ms `realMs`. */
  simSeconds(realMs: number): number {
    return ((realMs - this.startMs) * this.c.factor) / 1000;
  }

  /** A real duration (ms) in simulated seconds. */
  scale(realMs: number): number {
    return (realMs * this.c.factor) / 1000;
  }
}

/** "15m,2h,12h" style durations in whole milliseconds of compressed time. */
export const compressedSchedule = (c: Compression, seconds: number[]) => seconds.map((s) => `${Math.max(1, Math.round((s * 1000) / c.factor))}ms`).join(",");

export const formatSim = (seconds: number): string => {
  if (Number.isNaN(seconds)) return "n/a";
  if (!Number.isFinite(seconds)) return "never";
  if (seconds < 120) return `${seconds.toFixed(0)} s`;
  if (seconds < 2 * HOUR) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 2 * DAY) return `${(seconds / HOUR).toFixed(1)} h`;
  return `${(seconds / DAY).toFixed(2)} d`;
};
