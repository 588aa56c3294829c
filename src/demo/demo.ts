import type { Config } from "../config.js";
import { connectAthlete } from "../athletes/connect.js";
import { setShareOnBoard } from "../athletes/me.js";
import type { AppContext } from "../context.js";
import { listenError } from "../lifecycle/startup-error.js";
import type { Log } from "../log.js";
import { createSimulator, type Simulator } from "../simulator/index.js";
import { storeSubscriptionId } from "../subscription/settings.js";
import { subscriptionApi } from "../subscription/strava-api.js";
import { startSync } from "../history/start.js";
import { callbackUrlOf, verifyTokenOf, webhookSecret } from "../webhooks/credentials.js";

const DEMO_ATHLETES = [
  { firstname: "Ada", lastname: "Lovelace", history: 260 },
  { firstname: "Emil", lastname: "Zátopek", history: 180 },
  { firstname: "Paula", lastname: "Radcliffe", history: 120 },
  { firstname: "Abebe", lastname: "Bikila", history: 90 },
  { firstname: "Grete", lastname: "Waitz", history: 60 },
];
const NEW_ACTIVITY_EVERY_MS = 20_000;

export interface Demo {
  config: Config;
  sim: Simulator;
  /**
   * Subscribes the simulator to the running service, connects the demo athletes (until `signal`
   * aborts), starts the live feed; resolves with what stops the feed.
   */
  populate(ctx: AppContext, signal: AbortSignal): Promise<() => void>;
  stop(): Promise<void>;
}

/**
 * Demo mode: the built-in Strava simulator runs beside the service and stands in for Strava. The
 * service itself runs its real code path against it.
 */
export async function startDemo(config: Config, log: Log): Promise<Demo> {
  const sim = createSimulator({ webhookRetryDelayMs: 5_000 });
  const simPort = config.port + 1100;
  const server = await sim.listen(simPort, "127.0.0.1").catch((err: unknown) => {
    throw listenError(err, `port ${simPort} (the demo simulator's: PORT + 1100)`, "set PORT to one where PORT and PORT + 1100 are both free");
  });
  const simUrl = server.url.replace("127.0.0.1", "localhost");
  const demoConfig: Config = {
    ...config,
    strava: { ...config.strava, apiUrl: `${simUrl}/api/v3`, oauthUrl: `${simUrl}/oauth`, clientId: sim.clientId, clientSecret: sim.clientSecret },
  };
  return {
    config: demoConfig,
    sim,
    async populate(ctx, signal) {
      const api = subscriptionApi(demoConfig.strava);
      const callbackUrl = callbackUrlOf(config.publicUrl, await webhookSecret(ctx.db));
      const subscription = await api.create(callbackUrl, await verifyTokenOf(ctx));
      await storeSubscriptionId(ctx.db, subscription.id);
      const athleteIds: number[] = [];
      for (const a of DEMO_ATHLETES) {
        signal.throwIfAborted();
        athleteIds.push(await connectDemoAthlete(ctx, sim, a));
      }
      const timer = setInterval(() => newActivity(sim, athleteIds, log), NEW_ACTIVITY_EVERY_MS);
      timer.unref();
      banner(log, config, simUrl);
      return () => clearInterval(timer);
    },
    stop: () => server.close(),
  };
}

async function connectDemoAthlete(ctx: AppContext, sim: Simulator, a: (typeof DEMO_ATHLETES)[number]): Promise<number> {
  const athlete = sim.seedAthlete({ firstname: a.firstname, lastname: a.lastname });
  // A few races are Only Me on Strava: their owner sees them with a lock, the board does not.
  sim.seedHistory(athlete.id, { count: a.history, raceShare: 0.2, spacingHours: 40, privateShare: 0.05 });
  const tokens = sim.issueTokens(athlete.id);
  const connected = await connectAthlete(ctx, {
    athlete: { id: athlete.id, firstname: athlete.firstname, lastname: athlete.lastname },
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: tokens.expires_at,
    scopes: "read,activity:read_all",
  });
  await setShareOnBoard(ctx.db, athlete.id, true); // the demo's athletes said yes to the club board
  // The simulator starts afresh each time while the database remembers the last demo: a full
  // refresh (not a backfill) brings the stored races in line with the new simulated history.
  if (!connected.isNew && connected.backfillRunId === null) await startSync(ctx, { athleteId: athlete.id, mode: "full", trigger: "admin" });
  return athlete.id;
}

/** Now and then a demo athlete uploads a run; one in three is a race, so the board moves. */
function newActivity(sim: Simulator, athleteIds: number[], log: Log): void {
  const athleteId = athleteIds[Math.floor(Math.random() * athleteIds.length)];
  if (athleteId === undefined) return;
  const isRace = Math.random() < 1 / 3;
  const activity = sim.createActivity(athleteId, isRace ? { workout_type: 1, sport_type: "Run" } : {});
  log.info({ activity: activity.id, race: isRace }, "demo: a new activity was uploaded to the simulated Strava");
}

function banner(log: Log, config: Config, simUrl: string): void {
  const lines = [
    "",
    "  ┌─────────────────────────────────────────────────────────────────────┐",
    "  │  DEMO MODE: no STRAVA_CLIENT_ID / STRAVA_CLIENT_SECRET configured.   │",
    "  │  A built-in Strava simulator stands in for Strava; nothing here is   │",
    "  │  real Strava data. New activities arrive every 20 seconds.          │",
    "  │  \"Connect with Strava\" signs you in as a new simulated athlete,     │",
    "  │  with the admin pages open to you.                                  │",
    "  └─────────────────────────────────────────────────────────────────────┘",
    `    dashboard:  ${config.publicUrl}`,
    `    simulator:  ${simUrl}  (control API under /_sim)`,
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  log.warn({ simulator: simUrl }, "demo mode: using the built-in Strava simulator");
}
