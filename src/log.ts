import pino, { type Logger } from "pino";

export type Log = Logger;

/** Keys whose values never reach a log line. */
const REDACT = [
  "access_token",
  "refresh_token",
  "client_secret",
  "token",
  "*.access_token",
  "*.refresh_token",
  "*.client_secret",
  "*.token",
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
];

export type LogFormat = "json" | "pretty";

/**
 * JSON lines (ISO time, level names; errors under `err` with their stacks) or, for people, pino-pretty
 * (the default on a terminal).
 * Lines are written synchronously: each is in the file or pipe the moment it is logged (pino's
 * default buffers, and loses what it holds when the process ends), and none is lost on exit.
 * pino-pretty formats them in a worker thread, which pino flushes when the process exits.
 */
export function createLog(level: string, opts: { format?: LogFormat; destination?: pino.DestinationStream } = {}): Log {
  const options: pino.LoggerOptions = {
    level,
    base: { service: "racesync" },
    redact: { paths: REDACT, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  const format = opts.format ?? (process.stdout.isTTY ? "pretty" : "json");
  if (format === "pretty" && !opts.destination && prettyInstalled()) {
    const prettyOptions = { translateTime: "HH:MM:ss.l", ignore: "pid,hostname,service", sync: true };
    return pino({ ...options, transport: { target: "pino-pretty", options: prettyOptions } });
  }
  return pino(options, opts.destination ?? pino.destination({ dest: 1, sync: true }));
}

/** pino-pretty is a development dependency: an image built for production logs JSON whatever it is told. */
function prettyInstalled(): boolean {
  try {
    import.meta.resolve("pino-pretty");
    return true;
  } catch {
    return false;
  }
}
