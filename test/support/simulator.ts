import { createSimulator, type Simulator, type SimulatorOptions } from "../../src/simulator/index.js";

/** The Strava simulator over real HTTP, with helpers to call it. */
export interface RunningSim {
  sim: Simulator;
  /** Base URL: OAuth under /oauth, the API under /api/v3, controls under /_sim. */
  url: string;
  api(path: string, token?: string): Promise<Response>;
  form(path: string, params: Record<string, string | number>, method?: string): Promise<Response>;
  close(): Promise<void>;
}

/** Starts a simulator on a free port; webhook retries come after 20 ms unless `opts` says otherwise. */
export async function startSim(opts: SimulatorOptions = {}): Promise<RunningSim> {
  const sim = createSimulator({ webhookRetryDelayMs: 20, ...opts });
  const server = await sim.listen(0);
  return {
    sim,
    url: server.url,
    api: (path, token) => fetch(`${server.url}/api/v3${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    form: (path, params, method = "POST") =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]))),
      }),
    close: server.close,
  };
}
