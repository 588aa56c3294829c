/**
 * Onboarding benchmark: many athletes connect at once and their histories are backfilled by two
 * worker processes (`src/main.ts --role worker`) under compressed Strava limits.
 *
 *   npx tsx scripts/bench/onboarding.ts [--athletes 200] [--activities 1000] [--per-window 40] [--window 2]
 *
 * Prints: 429s served (goal 0), budget utilization per window while work was queued (goal ≥ 90%),
 * list calls vs the theoretical minimum Σ ceil(N/200) (+1 for a full last page), and time to
 * converge vs the minimum the limits allow.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { connectAthlete } from "../../src/athletes/connect.js";
import { loadConfig } from "../../src/config.js";
import type { AppContext } from "../../src/context.js";
import { createContext } from "../../src/service.js";
import { connectDatabase } from "../../src/db/client.js";
import { createLog } from "../../src/log.js";
import { createSimulator } from "../../src/simulator/index.js";
import { startProcess, stopProcess } from "../../test/ops/processes.js";
import { benchDatabase } from "./lib/postgres.js";
import { printTable } from "./lib/stats.js";

const { values } = parseArgs({
  options: {
    athletes: { type: "string", default: "200" },
    activities: { type: "string", default: "1000" },
    "per-window": { type: "string", default: "40" },
    window: { type: "string", default: "2" },
  },
});
const athletes = Number(values.athletes);
const activities = Number(values.activities);
const perWindow = Number(values["per-window"]);
const windowSeconds = Number(values.window);

const minCallsFor = (n: number) => Math.ceil(n / 200) + (n % 200 === 0 ? 1 : 0);

async function main(): Promise<void> {
  const pg = await benchDatabase();
  const sim = createSimulator({ windowSeconds, limits: { read15: perWindow, overall15: perWindow * 2, readDay: 1e9, overallDay: 1e9 } });
  const server = await sim.listen(0);
  const env = {
    DATABASE_URL: pg.url, STRAVA_CLIENT_ID: String(sim.clientId), STRAVA_CLIENT_SECRET: sim.clientSecret, STRAVA_VERIFY_TOKEN: "bench",
    SESSION_SECRET: randomBytes(32).toString("hex"), TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    STRAVA_API_URL: `${server.url}/api/v3`, STRAVA_OAUTH_URL: `${server.url}/oauth`,
    STRAVA_RATE_LIMIT_WINDOW_S: String(windowSeconds), LOG_LEVEL: "warn",
  };
  const database = connectDatabase(pg.url, { max: 4 });
  const ctx = createContext(loadConfig(env), database, createLog("silent"));

  const ids = seedAthletes(sim);
  const workers = await Promise.all([startProcess("worker", env), startProcess("worker", env)]);
  const started = Date.now(); // the club signs up at once, the workers already running
  await Promise.all(ids.map((id) => connect(sim, ctx, id)));
  const converged = await waitForBackfills(ctx, athletes);
  const seconds = (converged - started) / 1000;

  const minCalls = athletes * minCallsFor(activities);
  const reserve = Math.max(1, Math.ceil(perWindow * 0.05));
  const minSeconds = (Math.ceil(minCalls / (perWindow - reserve)) - 1) * windowSeconds;
  const util = await utilization(ctx, started, converged);
  printTable(`Onboarding: ${athletes} athletes × ${activities} activities, ${perWindow} reads / ${windowSeconds} s window, 2 worker processes`, [
    { metric: "429s served by Strava", value: sim.counters.rateLimited(), goal: "0" },
    { metric: "list calls", value: sim.counters.requests("GET /athlete/activities"), goal: `min ${minCalls} (Σ ceil(N/200) +1 if full)` },
    { metric: "budget utilization, full windows (mean)", value: pct(util.mean), goal: "≥ 90%" },
    { metric: "budget utilization, full windows (min)", value: pct(util.min), goal: "" },
    { metric: "backfill-usable share (limit − webhook reserve)", value: pct((perWindow - reserve) / perWindow), goal: "" },
    { metric: "time to converge", value: `${seconds.toFixed(1)} s`, goal: `min ≈ ${minSeconds} s (${Math.ceil(minCalls / (perWindow - reserve))} windows)` },
  ]);
  await Promise.all(workers.map((w) => stopProcess(w)));
  await ctx.strava.close();
  await database.close();
  await server.close();
  await pg.stop();
}

function seedAthletes(sim: ReturnType<typeof createSimulator>): number[] {
  return Array.from({ length: athletes }, () => {
    const a = sim.seedAthlete();
    sim.seedHistory(a.id, { count: activities, sameStartDateGroups: 5 });
    return a.id;
  });
}

async function connect(sim: ReturnType<typeof createSimulator>, ctx: AppContext, id: number): Promise<void> {
  const t = sim.issueTokens(id);
  await connectAthlete(ctx, {
    athlete: { id, firstname: "Bench", lastname: String(id) }, accessToken: t.access_token, refreshToken: t.refresh_token,
    expiresAt: t.expires_at, scopes: "read,activity:read_all",
  });
}

async function waitForBackfills(ctx: AppContext, count: number): Promise<number> {
  for (;;) {
    const [row] = await ctx.db.execute<{ done: number; bad: number }>(sql`
      select count(*) filter (where status = 'succeeded')::int as done,
             count(*) filter (where status in ('failed', 'cancelled', 'held'))::int as bad
      from sync_runs where kind = 'backfill'`);
    if (row!.bad > 0) throw new Error(`${row!.bad} backfills did not succeed`);
    if (row!.done === count) return Date.now();
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Read requests per window ÷ the limit, over the windows wholly inside the run (work was queued all
 * along). The counts are the shared budget's, which takes Strava's own usage headers as a floor.
 */
async function utilization(ctx: AppContext, from: number, to: number): Promise<{ mean: number; min: number }> {
  const rows = await ctx.db.execute<{ used: number; limit: number }>(sql`
    select used, "limit" from strava_budget
    where bucket = 'read_short' and window_start >= ${new Date(from)} and window_end <= ${new Date(to)}
    order by window_start`);
  const shares = rows.slice(1).map((r) => r.used / r.limit); // the first window began before the work did
  if (shares.length === 0) return { mean: NaN, min: NaN };
  return { mean: shares.reduce((a, b) => a + b, 0) / shares.length, min: Math.min(...shares) };
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : "n/a (run shorter than 3 windows)");

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
