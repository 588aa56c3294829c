import { parseArgs } from "node:util";
import { createSimulator } from "./index.js";

/**
 * `npm run simulator -- [--port 4100] [--host 127.0.0.1] [--athletes 3] [--history 40]
 *   [--window-seconds 900] [--day-seconds 86400] [--limits 200,2000,100,1000] [--seed 42] [--token-seconds 21600]`
 * Each flag also reads SIM_<NAME> from the environment (SIM_PORT, SIM_WINDOW_SECONDS, …).
 */
const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    athletes: { type: "string" },
    history: { type: "string" },
    "window-seconds": { type: "string" },
    "day-seconds": { type: "string" },
    limits: { type: "string" },
    seed: { type: "string" },
    "token-seconds": { type: "string" },
    "client-id": { type: "string" },
    "client-secret": { type: "string" },
  },
});

function setting(name: keyof typeof values, fallback: string): string {
  const env = process.env[`SIM_${name.toUpperCase().replace(/-/g, "_")}`];
  return values[name] ?? env ?? fallback;
}

const [overall15, overallDay, read15, readDay] = setting("limits", "200,2000,100,1000").split(",").map(Number);
const sim = createSimulator({
  clientId: Number(setting("client-id", "4242")),
  clientSecret: setting("client-secret", "sim-client-secret"),
  limits: { overall15, overallDay, read15, readDay },
  windowSeconds: Number(setting("window-seconds", "900")),
  daySeconds: Number(setting("day-seconds", "86400")),
  seed: Number(setting("seed", "42")),
  accessTokenSeconds: Number(setting("token-seconds", "21600")),
});

const athletes = Array.from({ length: Number(setting("athletes", "3")) }, () => sim.seedAthlete());
for (const athlete of athletes) sim.seedHistory(athlete.id, { count: Number(setting("history", "40")), sameStartDateGroups: 1 });

const server = await sim.listen(Number(setting("port", "4100")), setting("host", "127.0.0.1"));
console.log(`Strava simulator listening on ${server.url}`);
console.log(`STRAVA_API_URL=${server.url}/api/v3`);
console.log(`STRAVA_OAUTH_URL=${server.url}/oauth`);
console.log(`STRAVA_CLIENT_ID=${sim.clientId}`);
console.log(`STRAVA_CLIENT_SECRET=${sim.clientSecret}`);
console.log(`control API: ${server.url}/_sim  (e.g. POST /_sim/athletes/${athletes[0]?.id ?? 1000}/tokens)`);
for (const athlete of athletes) {
  const races = sim.racesOf(athlete.id).length;
  console.log(`  athlete ${athlete.id} ${athlete.firstname} ${athlete.lastname}: ${sim.activitiesOf(athlete.id).length} activities, ${races} races`);
}

const shutdown = () => void server.close().then(() => process.exit(0));
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
