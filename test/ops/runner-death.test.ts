import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addJob } from "../../src/db/jobs.js";
import { Lifecycle } from "../../src/lifecycle/lifecycle.js";
import { createLog } from "../../src/log.js";
import { startService } from "../../src/service.js";
import { startHarness, type Harness } from "../support/harness.js";
import { waitFor } from "../support/wait.js";
import { startProcess, stopProcess } from "./processes.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { WORKER_DEAD_AFTER_S: "2" } });
});
afterAll(() => h.close());

/**
 * A real way for a runner to stop on its own: Graphile Worker shuts down every runner on a
 * database when another process announces a breaking migration of its schema.
 */
const stopEveryRunner = () => h.sql`select pg_notify('worker:migrate', '{"breaking":true}')`;

/** The Graphile Worker pool id of process `pid`, from its heartbeat. */
function poolOf(pid: number): Promise<string> {
  const pool = async () => (await h.sql<{ worker_id: string }[]>`select worker_id from worker_heartbeats where pid = ${pid}`)[0]?.worker_id;
  return waitFor(pool, `a heartbeat of process ${pid}`);
}

/** A job as the pool would hold it while running it. */
async function heldJob(pool: string): Promise<number> {
  const id = await addJob(h.verbDb, "maintenance", {}, { runAt: new Date(Date.now() + 3600_000) });
  await h.sql`update graphile_worker._private_jobs set locked_by = ${pool}, locked_at = now(), run_at = now() where id = ${id}`;
  return id;
}

describe("a worker whose job runner stops", () => {
  it("fails its liveness probe, asks to exit 1, and another worker's sweeper releases its jobs", async () => {
    const exitCode = process.exitCode; // Graphile Worker sets 57 on a breaking migration
    const lifecycle = new Lifecycle({ exit: () => {} });
    const service = await startService({ role: "worker", config: { ...h.config, port: 0 }, log: createLog("silent"), lifecycle });
    try {
      const health = async () => {
        const res = await fetch(`${service.url}/healthz`);
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      expect((await health()).status).toBe(200);
      const job = await heldJob(await poolOf(process.pid));

      await waitFor(async () => (await stopEveryRunner(), (await health()).status === 503), "the liveness probe to fail");
      expect((await health()).body).toEqual({ status: "failed", phase: "stopping", reason: expect.stringContaining("the job runner stopped") });
      expect(lifecycle.stopRequest).toMatchObject({ reason: "job runner stopped", exitCode: 1 });
      expect((await fetch(`${service.url}/readyz`)).status).toBe(503);

      // Its heartbeat stopped with its runner: a live worker takes the job over and runs it.
      await h.startWorker({ separate: true });
      await waitFor(async () => (await h.sql`select 1 from graphile_worker._private_jobs where id = ${job}`).length === 0, "the job to be released and run");
    } finally {
      await service.stop();
      process.exitCode = exitCode;
    }
  });

  it("ends the process with exit code 1", async () => {
    const env = Object.fromEntries(Object.entries({ ...h.env, LOG_LEVEL: "warn" }).filter((e): e is [string, string] => e[1] !== undefined));
    const worker = await startProcess("worker", env);
    try {
      await poolOf(worker.pid);
      let exitCode: number | string | undefined;
      void worker.exited.then((code) => (exitCode = code));
      await waitFor(async () => exitCode ?? (await stopEveryRunner(), undefined), "the worker process to exit", 30_000);
      expect(exitCode).toBe(1);
      expect(worker.output()).toContain("the job runner stopped");
    } finally {
      await stopProcess(worker);
    }
  }, 90_000);
});
