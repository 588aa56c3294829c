// One shared EventSource for /api/stream. After a dropped connection the browser reconnects by
// itself (after the server's `retry:` delay); after an answer other than 200 (a proxy's 502 during
// a deploy, a 429) it gives up, so we reconnect with backoff, unless the answer was 401/403: the
// viewer may not watch. Subscribers are told each time the stream starts listening, to refetch what
// was committed before it did (a page loads its data first, then opens the stream).
import { createSignal } from "solid-js";
import type { Race, SyncLog, SyncRun } from "./types.js";

export interface StreamEvents {
  "race.upserted": Race;
  "race.removed": { strava_activity_id: number; athlete_strava_id?: number };
  "sync.progress": SyncRun;
  "sync.log": SyncLog;
}
export type StreamEventName = keyof StreamEvents;
export type StreamState = "idle" | "connecting" | "live" | "reconnecting" | "offline";

const EVENT_NAMES: StreamEventName[] = ["race.upserted", "race.removed", "sync.progress", "sync.log"];
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;
const listeners = new Map<StreamEventName, Set<(data: never) => void>>();
const liveListeners = new Set<() => void>();
const [state, setState] = createSignal<StreamState>("idle");
let source: EventSource | null = null;
let count = 0;
/** The stream failed since it was last live: shown as "reconnecting". */
let interrupted = false;
let attempts = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let probe: AbortController | undefined;

export const streamState = state;

function open(): void {
  if (source || retryTimer || probe || typeof EventSource === "undefined") return;
  setState(interrupted ? "reconnecting" : "connecting");
  const es = new EventSource("/api/stream", { withCredentials: true });
  source = es;
  es.onopen = () => {
    attempts = 0;
    interrupted = false;
    setState("live");
    for (const fn of liveListeners) fn(); // the server does not replay what was missed
  };
  es.onerror = () => {
    interrupted = true;
    setState("reconnecting");
    if (es.readyState === EventSource.CLOSED) void retryAfterRefusal(es);
    // else CONNECTING: the browser retries by itself.
  };
  for (const name of EVENT_NAMES) es.addEventListener(name, (ev) => dispatch(name, ev as MessageEvent<string>));
}

function dispatch(name: StreamEventName, ev: MessageEvent<string>): void {
  let data: unknown;
  try {
    data = JSON.parse(ev.data);
  } catch {
    return;
  }
  for (const fn of listeners.get(name) ?? []) (fn as (d: unknown) => void)(data);
}

/**
 * The browser gave up on an answer other than 200, without saying which: one plain request tells.
 * 401/403 end it (signed out, members only); anything else (502, 429, no answer) is retried later.
 */
async function retryAfterRefusal(es: EventSource): Promise<void> {
  es.close();
  if (source === es) source = null;
  probe = new AbortController();
  const status = await fetch("/api/stream", { credentials: "include", signal: probe.signal }).then(
    (res) => (probe?.abort(), res.status),
    () => 0,
  );
  probe = undefined;
  if (count === 0) return; // closed meanwhile
  if (status === 401 || status === 403) return void setState("offline");
  const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempts++);
  retryTimer = setTimeout(() => {
    retryTimer = undefined;
    open();
  }, delay * (0.5 + Math.random() / 2));
}

function close(): void {
  source?.close();
  source = null;
  probe?.abort();
  probe = undefined;
  clearTimeout(retryTimer);
  retryTimer = undefined;
  interrupted = false;
  attempts = 0;
  setState("idle");
}

/**
 * Called each time the stream starts listening (its first open and every reconnect): changes
 * committed before then were not sent. Returns the unsubscribe function.
 */
export function onLive(fn: () => void): () => void {
  liveListeners.add(fn);
  return () => liveListeners.delete(fn);
}

/** Subscribe to one event type; returns the unsubscribe function (use it in onCleanup). */
export function subscribe<K extends StreamEventName>(name: K, fn: (data: StreamEvents[K]) => void): () => void {
  let set = listeners.get(name);
  if (!set) listeners.set(name, (set = new Set()));
  set.add(fn as (data: never) => void);
  count += 1;
  open();
  let active = true;
  return () => {
    if (!active) return;
    active = false;
    set.delete(fn as (data: never) => void);
    count -= 1;
    // Deferred so that a page change (old page unsubscribes, new one subscribes) keeps the connection.
    if (count === 0) setTimeout(() => count === 0 && close(), 2000);
  };
}
