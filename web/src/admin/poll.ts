// Poll an endpoint every `intervalMs` (skipped while the tab is hidden); keeps the last good data.
import { createSignal, onCleanup } from "solid-js";
import { ApiError } from "../api.js";

export interface Polled<T> {
  data: () => T | undefined;
  error: () => ApiError | null;
  loading: () => boolean;
  refresh: () => Promise<void>;
  set: (fn: (prev: T | undefined) => T | undefined) => void;
}

export function createPolled<T>(fetcher: () => Promise<T>, intervalMs: number): Polled<T> {
  const [data, setData] = createSignal<T | undefined>(undefined);
  const [error, setError] = createSignal<ApiError | null>(null);
  const [loading, setLoading] = createSignal(true);
  let inFlight = false;

  async function refresh() {
    if (inFlight) return;
    inFlight = true;
    try {
      const value = await fetcher();
      setData(() => value);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, "UNKNOWN", String(e)));
    } finally {
      inFlight = false;
      setLoading(false);
    }
  }

  void refresh();
  const timer = setInterval(() => {
    if (typeof document === "undefined" || document.visibilityState !== "hidden") void refresh();
  }, intervalMs);
  onCleanup(() => clearInterval(timer));

  return { data, error, loading, refresh, set: (fn) => setData(() => fn(data())) };
}
