// One shared EventSource for /api/stream. The browser reconnects by itself (and resends
// Last-Event-ID); we only fan messages out to subscribers and expose the connection state.
import { createSignal } from "solid-js";
import type { Race, SyncLog, SyncRun } from "./types.js";

export interface StreamEvents {
  "race.upserted": Race;
  "race.removed": { strava_activity_id: number; athlete_strava_id?: number };
  "sync.progress": SyncRun;
  "sync.log": SyncLog;
}
export type StreamEventName = keyof StreamEvents;
export type StreamState = "idle" | "connecting" | "live" | "offline";

const EVENT_NAMES: StreamEventName[] = ["race.upserted", "race.removed", "sync.progress", "sync.log"];
const listeners = new Map<StreamEventName, Set<(data: never) => void>>();
const reconnectListeners = new Set<() => void>();
const [state, setState] = createSignal<StreamState>("idle");
let source: EventSource | null = null;
let count = 0;
let everLive = false;

export const streamState = state;

function open(): void {
  if (source || typeof EventSource === "undefined") return;
  setState("connecting");
  const es = new EventSource("/api/stream", { withCredentials: true });
  source = es;
  // After a drop, messages sent meanwhile are gone (the server does not replay): tell the
  // subscribers to refetch what they show.
  es.onopen = () => {
    const wasDown = state() === "connecting" && everLive;
    everLive = true;
    setState("live");
    if (wasDown) for (const fn of reconnectListeners) fn();
  };
  // CONNECTING = the browser is retrying; CLOSED = it gave up (e.g. 401: members only).
  es.onerror = () => setState(es.readyState === EventSource.CLOSED ? "offline" : "connecting");
  for (const name of EVENT_NAMES) {
    es.addEventListener(name, (ev) => {
      let data: unknown;
      try {
        data = JSON.parse((ev as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const fn of listeners.get(name) ?? []) (fn as (d: unknown) => void)(data);
    });
  }
}

function close(): void {
  source?.close();
  source = null;
  everLive = false;
  setState("idle");
}

/** Called each time the stream comes back after a drop; returns the unsubscribe function. */
export function onReconnect(fn: () => void): () => void {
  reconnectListeners.add(fn);
  return () => reconnectListeners.delete(fn);
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
