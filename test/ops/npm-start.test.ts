import { existsSync } from "node:fs";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handlesStopSignals, childOf, freeDemoPort, freshCheckout, npmStart, processesIn, type NpmStart } from "./checkout.js";
import { waitFor } from "../support/wait.js";

// `npm start` with no configuration (embedded Postgres, demo mode) in one fresh copy of the
// repository, stopped at several moments. Cases run in order: the first start builds the dashboard.
const SHUTDOWN_TIMEOUT_MS = 30_000; // SHUTDOWN_TIMEOUT_S's default
const SLOW = { timeout: 180_000 };
/** The phases in which the embedded Postgres runs. */
const DATABASE_UP = ["connecting", "starting worker", "seeding", "ready"];

describe("npm start in a fresh checkout", () => {
  let dir: string;
  let port: number;

  beforeAll(async () => {
    dir = await freshCheckout();
    port = await freeDemoPort();
  });

  afterAll(async () => {
    for (const left of await processesIn(dir)) process.kill(Number(left.split(" ")[0]), "SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  /** Sends `signal` to npm and checks the stop: exit 0 within the deadline, the lines logged, nothing left. */
  async function expectCleanStop(run: NpmStart, signal: NodeJS.Signals = "SIGTERM"): Promise<number> {
    const sent = Date.now();
    run.child.kill(signal);
    const { code, at } = await run.exited;
    expect(code, run.log()).toBe(0);
    expect(at - sent).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(run.log()).toContain(`stopping (${signal})`);
    expect(run.log()).toContain("stopped cleanly");
    expect(await processesIn(dir)).toEqual([]);
    return at - sent;
  }

  async function readiness(): Promise<{ status: number; phase?: string }> {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    return res ? { status: res.status, phase: ((await res.json()) as { phase?: string }).phase } : { status: 0 };
  }

  const waitForPhase = (phases: string[], what: string) =>
    waitFor(async () => {
      const { phase } = await readiness();
      return phase !== undefined && phases.includes(phase) ? phase : undefined;
    }, what, 150_000);

  async function expectStartupFailure(line: RegExp): Promise<void> {
    const run = npmStart(dir, port);
    const { code } = await run.exited;
    const ours = run.log().split("\n").filter((l) => l.trim() && !l.startsWith(">") && !l.startsWith("npm "));
    expect(code, run.log()).toBe(1);
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatch(line);
    expect(await processesIn(dir)).toEqual([]);
  }

  async function holding(port: number, during: () => Promise<void>): Promise<void> {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, "0.0.0.0", resolve));
    try {
      await during();
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  }

  it("PORT in use: one line naming the port and PORT, exit 1, nothing left running", SLOW, async () => {
    await holding(port, () => expectStartupFailure(new RegExp(`port ${port} \\(PORT\\) is already in use: .*set PORT`)));
  });

  it("the demo simulator's port in use: one line naming it and PORT, exit 1, nothing left running", SLOW, async () => {
    await holding(port + 1100, () => expectStartupFailure(new RegExp(`port ${port + 1100} \\(the demo simulator's: PORT \\+ 1100\\) is already in use: .*set PORT`)));
  });

  it("SIGTERM as soon as racesync handles signals (still loading): exits 0, nothing left", SLOW, async () => {
    const run = npmStart(dir, port);
    const service = await waitFor(() => childOf(run.pid, "src/main.ts"), "the service process");
    await waitFor(() => handlesStopSignals(service), "racesync's signal handlers");
    await expectCleanStop(run);
  });

  it("SIGTERM when /healthz first answers (building the dashboard): exits 0, no partial dashboard, nothing left", SLOW, async () => {
    const run = npmStart(dir, port);
    await waitFor(() => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false), "/healthz", 60_000);
    expect((await readiness()).phase).toMatch(/starting|building the dashboard/);
    await expectCleanStop(run);
    expect(existsSync(path.join(dir, "dist/web/index.html"))).toBe(false);
  });

  it("SIGTERM during demo seeding: exits 0, the embedded Postgres stopped, nothing left", SLOW, async () => {
    const run = npmStart(dir, port);
    expect(await waitForPhase(["seeding", "ready"], "seeding")).toBe("seeding");
    await expectCleanStop(run);
  });

  it("/readyz answers 503 with the phase during start-up and 200 once ready; SIGTERM then exits 0", SLOW, async () => {
    const run = npmStart(dir, port);
    const seen: Array<{ status: number; phase?: string }> = [];
    await waitFor(async () => {
      const answer = await readiness();
      if (answer.status !== 0) seen.push(answer);
      return answer.status === 200;
    }, "ready", 150_000);
    // Lines reach the log file as they are logged: "up" is there by the time /readyz says ready.
    expect(run.log()).toContain("racesync is up");
    const startup = seen.slice(0, -1);
    expect(startup.length).toBeGreaterThan(0);
    expect(startup.every((a) => a.status === 503 && a.phase && a.phase !== "ready")).toBe(true);
    expect(seen.at(-1)).toEqual({ status: 200, phase: "ready" });
    await expectCleanStop(run);
  });

  it("kill -9 of npm: the service notices, stops cleanly and leaves nothing running", SLOW, async () => {
    const run = npmStart(dir, port);
    await waitForPhase(DATABASE_UP, "the database");
    run.child.kill("SIGKILL");
    await waitFor(async () => (await processesIn(dir)).length === 0, "every process gone", 15_000);
    expect(run.log()).toContain("stopping (parent process exited)");
    expect(run.log()).toContain("stopped cleanly");
  });

  it("kill -9 of the service: its watchdog stops the embedded Postgres", SLOW, async () => {
    const run = npmStart(dir, port);
    await waitForPhase(DATABASE_UP, "the database");
    process.kill((await childOf(run.pid, "src/main.ts"))!, "SIGKILL");
    expect((await run.exited).code).not.toBe(0);
    await waitFor(async () => (await processesIn(dir)).length === 0, "the embedded Postgres gone", 15_000);
  });

  /** Freezes the embedded Postgres (SIGSTOP) so that a stop hangs on it; it is thawed afterwards and must then stop. */
  async function withStopHanging(run: NpmStart, during: () => Promise<void>): Promise<void> {
    await waitForPhase(DATABASE_UP, "the database");
    const postmaster = Number((await readFile(path.join(dir, ".data/postgres/postmaster.pid"), "utf8")).split("\n")[0]);
    process.kill(postmaster, "SIGSTOP");
    try {
      await during();
    } finally {
      process.kill(postmaster, "SIGCONT");
    }
    await waitFor(async () => (await processesIn(dir)).length === 0, "the embedded Postgres gone", 15_000);
  }

  it("a second signal during a stop that hangs exits at once; the embedded Postgres still stops", SLOW, async () => {
    const run = npmStart(dir, port);
    await withStopHanging(run, async () => {
      run.child.kill("SIGTERM");
      await waitFor(() => run.log().includes("stopping (SIGTERM)"), "the stop to begin");
      await new Promise((r) => setTimeout(r, 1_100)); // past the window in which a repeat is the same request
      const sent = Date.now();
      run.child.kill("SIGINT");
      const { code, at } = await run.exited;
      expect(code).not.toBe(0);
      expect(at - sent).toBeLessThan(2_000);
      expect(run.log()).toContain("SIGINT again: exiting now");
    });
  });

  it("a stop that hangs ends at SHUTDOWN_TIMEOUT_S with exit 1; the embedded Postgres still stops", SLOW, async () => {
    const run = npmStart(dir, port, { SHUTDOWN_TIMEOUT_S: "2" });
    await withStopHanging(run, async () => {
      const sent = Date.now();
      run.child.kill("SIGTERM");
      const { code, at } = await run.exited;
      expect(code).toBe(1);
      expect(at - sent).toBeGreaterThanOrEqual(2_000);
      expect(at - sent).toBeLessThan(8_000);
      expect(run.log()).toContain("did not stop within 2 s (SHUTDOWN_TIMEOUT_S): exiting now");
    });
  });

  it("a data directory that cannot be used: one line naming it and DATABASE_URL, exit 1, nothing left running", SLOW, async () => {
    await rename(path.join(dir, ".data"), path.join(dir, ".data.kept"));
    await writeFile(path.join(dir, ".data"), "not a directory");
    try {
      await expectStartupFailure(/cannot use .*\.data\/postgres for the embedded Postgres .*set DATABASE_URL/);
    } finally {
      await rm(path.join(dir, ".data"));
      await rename(path.join(dir, ".data.kept"), path.join(dir, ".data"));
    }
  });
});
