/** Observes every HTTP answer (or failure, status 0) the layer receives from Strava. */
export type CallHook = (endpoint: string, status: number, ms: number) => void;

export interface CallCounters {
  /** Calls so far: all, one endpoint ("GET /activities/:id"), or one endpoint and status ("GET /activities/:id 404"). */
  count(endpoint?: string): number;
}

/** In-process call counters by endpoint and status, plus hooks for metrics. */
export function createCallLog() {
  const counts = new Map<string, number>();
  const hooks = new Set<CallHook>();
  const observe: CallHook = (endpoint, status, ms) => {
    const key = `${endpoint} ${status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    for (const hook of hooks) hook(endpoint, status, ms);
  };
  const counters: CallCounters = {
    count(endpoint) {
      let total = 0;
      for (const [key, n] of counts) if (!endpoint || key === endpoint || key.startsWith(`${endpoint} `)) total += n;
      return total;
    },
  };
  const onCall = (hook: CallHook) => {
    hooks.add(hook);
    return () => void hooks.delete(hook);
  };
  return { observe, counters, onCall };
}
