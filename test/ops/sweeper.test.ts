import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { releaseDeadWorkerJobs } from "../../src/ops/liveness/sweeper.js";
import { beat } from "../../src/ops/liveness/heartbeat.js";
import { addJob } from "../../src/worker/jobs.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.destroy());
beforeEach(async () => {
  await db.sql`delete from graphile_worker._private_jobs`;
  await db.sql`delete from worker_heartbeats`;
});

/** A job as a worker that took it `secondsAgo` would have left it. */
async function lockedJob(workerId: string, secondsAgo: number): Promise<string> {
  const id = await addJob(db.sql, "maintenance", {});
  await db.sql`update graphile_worker._private_jobs set locked_by = ${workerId}, locked_at = now() - make_interval(secs => ${secondsAgo}) where id = ${id}`;
  return id;
}

async function lockOf(id: string): Promise<string | null> {
  const [row] = await db.sql<{ locked_by: string | null }[]>`select locked_by from graphile_worker._private_jobs where id = ${id}`;
  return row!.locked_by;
}

describe("releasing jobs held by dead workers", () => {
  it("frees a job whose worker's heartbeat stopped, keeps a live worker's job", async () => {
    await beat(db.sql, ["alive", "dead"]);
    await db.sql`update worker_heartbeats set beat_at = now() - interval '5 minutes' where worker_id = 'dead'`;
    const deadJob = await lockedJob("dead", 120);
    const liveJob = await lockedJob("alive", 120);

    expect(await releaseDeadWorkerJobs(db.sql, 60)).toEqual(["dead"]);
    expect(await lockOf(deadJob)).toBeNull();
    expect(await lockOf(liveJob)).toBe("alive");
  });

  it("frees a job of a worker that never beat, but only once its lock is older than the limit", async () => {
    const old = await lockedJob("never-beat", 90);
    const fresh = await lockedJob("just-started", 5);
    expect(await releaseDeadWorkerJobs(db.sql, 60)).toEqual(["never-beat"]);
    expect(await lockOf(old)).toBeNull();
    expect(await lockOf(fresh)).toBe("just-started");
  });

  it("forgets heartbeats of long-dead workers", async () => {
    await beat(db.sql, ["ancient"]);
    await db.sql`update worker_heartbeats set beat_at = now() - interval '1 day'`;
    await releaseDeadWorkerJobs(db.sql, 60);
    expect(await db.sql`select * from worker_heartbeats`).toHaveLength(0);
  });

  it("a heartbeat refreshes the row instead of adding one", async () => {
    await beat(db.sql, ["w1"]);
    await db.sql`update worker_heartbeats set beat_at = now() - interval '1 hour'`;
    await beat(db.sql, ["w1"]);
    const rows = await db.sql<{ fresh: boolean }[]>`select beat_at > now() - interval '1 minute' as fresh from worker_heartbeats`;
    expect(rows).toEqual([{ fresh: true }]);
  });
});
