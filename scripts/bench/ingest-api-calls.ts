import postgres from "postgres";
import { startRealtimeStack } from "../../test/sync-realtime/stack.js";

const SINGLE_EVENTS = 20;
const BURSTS = 10;
const BURST_SIZE = 5;

/** Strava GET /activities/:id calls per webhook event, through the real worker and the simulator. */
export async function apiCallsPerEvent(databaseUrl: string): Promise<Array<Record<string, string | number>>> {
  await forgetIngestRun(databaseUrl);
  const stack = await startRealtimeStack(databaseUrl, { env: { ACTIVITY_SYNC_DEBOUNCE_MS: "1000" } });
  try {
    const athleteId = stack.sim.seedAthlete().id;
    await stack.connect(athleteId);
    const calls = () => stack.sim.counters.requests("GET /activities/:id");

    const beforeSingle = calls();
    const ids = Array.from({ length: SINGLE_EVENTS }, () => stack.sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1 }).id);
    await stack.settle(60_000);
    const single = calls() - beforeSingle;

    const beforeBursts = calls();
    for (const id of ids.slice(0, BURSTS)) for (let i = 0; i < BURST_SIZE; i++) stack.sim.updateActivity(id, { name: `update ${i}` });
    await stack.settle(60_000);
    const bursts = calls() - beforeBursts;
    return [
      { scenario: `${SINGLE_EVENTS} single create events`, events: SINGLE_EVENTS, "GET /activities/:id": single, "calls/event": (single / SINGLE_EVENTS).toFixed(2) },
      { scenario: `${BURSTS} bursts of ${BURST_SIZE} updates`, events: BURSTS * BURST_SIZE, "GET /activities/:id": bursts, "calls/event": (bursts / (BURSTS * BURST_SIZE)).toFixed(2) },
    ];
  } finally {
    await stack.stop();
  }
}

/** The ingest runs left thousands of queued events and jobs behind: start from a clean slate. */
async function forgetIngestRun(databaseUrl: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  await sql`truncate webhook_events, races`;
  await sql`delete from graphile_worker._private_jobs`;
  await sql`delete from athletes`;
  await sql`delete from settings`;
  await sql.end();
}
