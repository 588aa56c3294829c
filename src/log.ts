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

export function createLog(level: string, destination?: pino.DestinationStream): Log {
  const pretty = !destination && process.stdout.isTTY && process.env.NODE_ENV !== "production";
  const options: pino.LoggerOptions = { level, base: { service: "racesync" }, redact: { paths: REDACT, censor: "[redacted]" } };
  if (pretty) return pino({ ...options, transport: { target: "pino-pretty", options: { translateTime: "HH:MM:ss.l", ignore: "pid,hostname,service" } } });
  return destination ? pino(options, destination) : pino(options);
}
