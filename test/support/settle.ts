import type { Simulator } from "../../src/simulator/index.js";
import type { TestSql } from "./test-sql.js";
import { waitFor } from "./wait.js";

/**
 * Waits until the simulator delivered every webhook event and racesync handled every real-time
 * job: no event still queued, no activity-sync, activity-delete or athlete-deauthorize job left.
 */
export async function settleRealtime(sql: TestSql, sim: Simulator, timeoutMs = 20_000): Promise<void> {
  let pending = 0;
  await waitFor(async () => {
    await sim.deliveries.idle();
    const [row] = await sql<{ pending: number }[]>`
      select (select count(*)::int from webhook_events where outcome = 'queued')
           + (select count(*)::int from graphile_worker.jobs where attempts < max_attempts
               and task_identifier in ('activity-sync', 'activity-delete', 'athlete-deauthorize')) as pending`;
    pending = row!.pending;
    return pending === 0;
  }, () => `the real-time work to finish (${pending} events/jobs still pending)`, timeoutMs);
}
