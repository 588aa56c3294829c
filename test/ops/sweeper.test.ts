import { EventEmitter } from "node:events";
import type { WorkerEvents } from "graphile-worker";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLiveness } from "../../src/ops/liveness/index.js";
import { releaseDeadWorkerJobs } from "../../src/ops/liveness/sweeper.js";
import { beat } from "../../src/ops/liveness/heartbeat.js";
import { addJob } from "../../src/db/jobs.js";
import type { VerbDb } from "../support/context.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { waitFor } from "../support/wait.js";

let db: TestDatabase;
let verbDb: VerbDb;
beforeAll(async () => {
  db = await createTestDatabase();
  verbDb = db.context().verbDb;
});
afterAll(() => db.destroy());
beforeEach(async () => {
  await db.sql`delete from graphile_worker._private_jobs`;
  await db.sql`delete from worker_heartbeats`;
  await beat(verbDb, [SWEEPER]);
});

/** The worker pool of the process that sweeps. */
const SWEEPER = "sweeper";

/** A job as a worker that took it `secondsAgo` would have left it. */
async function lockedJob(workerId: string, secondsAgo: number): Promise<number> {
  const id = await addJob(verbDb, "maintenance", {});
  await db.sql`update graphile_worker._private_jobs set locked_by = ${workerId}, locked_at = now() - make_interval(secs => ${secondsAgo}) where id = ${id}`;
  return id;
}

async function lockOf(id: number): Promise<string | null> {
  const [row] = await db.sql<{ locked_by: string | null }[]>`select locked_by from graphile_worker._private_jobs where id = ${id}`;
  return row!.locked_by;
}

describe("releasing jobs held by dead workers", () => {
  it("frees a job whose worker's heartbeat stopped, keeps a live worker's job", async () => {
    await beat(verbDb, ["alive", "dead"]);
    await db.sql`update worker_heartbeats set beat_at = now() - interval '5 minutes' where worker_id = 'dead'`;
    const deadJob = await lockedJob("dead", 120);
    const liveJob = await lockedJob("alive", 120);

    expect(await releaseDeadWorkerJobs(verbDb, 60, [SWEEPER])).toEqual(["dead"]);
    expect(await lockOf(deadJob)).toBeNull();
    expect(await lockOf(liveJob)).toBe("alive");
  });

  it("frees a job of a worker that never beat, but only once its lock is older than the limit", async () => {
    const old = await lockedJob("never-beat", 90);
    const fresh = await lockedJob("just-started", 5);
    expect(await releaseDeadWorkerJobs(verbDb, 60, [SWEEPER])).toEqual(["never-beat"]);
    expect(await lockOf(old)).toBeNull();
    expect(await lockOf(fresh)).toBe("just-started");
  });

  it("releases nothing while its own heartbeat is stale too (after a database outage every heartbeat is)", async () => {
    await beat(verbDb, ["quiet"]);
    await db.sql`update worker_heartbeats set beat_at = now() - interval '5 minutes'`;
    const job = await lockedJob("quiet", 120);
    expect(await releaseDeadWorkerJobs(verbDb, 60, [SWEEPER])).toEqual([]);
    expect(await lockOf(job)).toBe("quiet");

    await beat(verbDb, [SWEEPER]); // the sweeper's own heartbeat is fresh again: silence means death again
    expect(await releaseDeadWorkerJobs(verbDb, 60, [SWEEPER])).toEqual(["quiet"]);
    expect(await lockOf(job)).toBeNull();
  });

  it("releases nothing before its own first heartbeat", async () => {
    const job = await lockedJob("never-beat", 90);
    expect(await releaseDeadWorkerJobs(verbDb, 60, ["not-beating-yet"])).toEqual([]);
    expect(await lockOf(job)).toBe("never-beat");
  });

  it("forgets heartbeats of long-dead workers", async () => {
    await beat(verbDb, ["ancient"]);
    await db.sql`update worker_heartbeats set beat_at = now() - interval '1 day' where worker_id = 'ancient'`;
    await releaseDeadWorkerJobs(verbDb, 60, [SWEEPER]);
    expect(await db.sql`select worker_id from worker_heartbeats`).toEqual([{ worker_id: SWEEPER }]);
  });

  it("a heartbeat refreshes the row instead of adding one", async () => {
    await beat(verbDb, ["w1"]);
    await db.sql`update worker_heartbeats set beat_at = now() - interval '1 hour'`;
    await beat(verbDb, ["w1"]);
    const rows = await db.sql<{ fresh: boolean }[]>`select beat_at > now() - interval '1 minute' as fresh from worker_heartbeats where worker_id = 'w1'`;
    expect(rows).toEqual([{ fresh: true }]);
  });
});

describe("a worker's liveness after a database outage", () => {
  it("sweeps only once its own heartbeats have been back for one and a half intervals", async () => {
    const { ctx } = db.context();
    let databaseDown = false;
    const flakyDb = new Proxy(ctx.db, {
      get(target, prop, receiver) {
        if (databaseDown && (prop === "execute" || prop === "transaction")) return () => Promise.reject(new Error("connect ECONNREFUSED"));
        return Reflect.get(target, prop, receiver);
      },
    });
    await beat(verbDb, ["dead"]);
    await db.sql`update worker_heartbeats set beat_at = now() - interval '5 minutes' where worker_id = 'dead'`;
    const job = await lockedJob("dead", 120);

    const BEAT_MS = 1000;
    const events: WorkerEvents = new EventEmitter();
    const liveness = startLiveness({ ...ctx, db: flakyDb }, events, { beatMs: BEAT_MS, sweepMs: 50 });
    try {
      databaseDown = true;
      events.emit("pool:create", { workerPool: { id: "me" } } as never); // its first heartbeat fails
      databaseDown = false;
      const ownHeartbeat = async () => (await db.sql`select 1 from worker_heartbeats where worker_id = 'me'`).length > 0;
      await waitFor(ownHeartbeat, "its heartbeat to be written again");
      const back = performance.now();
      await waitFor(async () => (await lockOf(job)) === null, "the dead worker's job to be released");
      expect(performance.now() - back).toBeGreaterThan(BEAT_MS); // not at the first sweep after its heartbeat returned
    } finally {
      await liveness.stop();
    }
  });

  it("releases its own pool's job that none of its workers runs (its completion was lost), never one they run", async () => {
    const { ctx } = db.context();
    const events: WorkerEvents = new EventEmitter();
    const liveness = startLiveness(ctx, events, { beatMs: 100, sweepMs: 50 });
    const jobEvent = (id: number) => ({ job: { id: String(id) } }) as never;
    try {
      events.emit("pool:create", { workerPool: { id: "me" } } as never);
      const lost = await lockedJob("me", 120);
      const running = await lockedJob("me", 120);
      const young = await lockedJob("me", 5);
      events.emit("job:start", jobEvent(running));

      await waitFor(async () => (await lockOf(lost)) === null, "the lost job to be released");
      expect(await lockOf(running)).toBe("me");
      expect(await lockOf(young)).toBe("me");

      events.emit("job:complete", jobEvent(running)); // finished, but its completion never written
      await waitFor(async () => (await lockOf(running)) === null, "the finished job to be released");
      expect(await lockOf(young)).toBe("me");
    } finally {
      await liveness.stop();
    }
  });
});
