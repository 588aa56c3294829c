/**
 * Fan-out benchmark: K open dashboard streams (GET /api/stream, public board) on ONE web process;
 * a race upsert is committed (the real verb: upsert + pg_notify in one transaction) and its arrival
 * is timed on every stream. The viewers live in separate processes (forked, IPC) so the web process
 * has the cores it would have; arrival times are epoch clocks comparable across processes.
 *
 *   npx tsx scripts/bench/fanout.ts [--streams 1000,5000] [--rounds 30] [--client-processes 2]
 *
 * Latency runs from the commit (the moment the upsert's transaction returned: its NOTIFY is sent
 * at commit) to the message's arrival on a stream; the upsert and commit themselves are shown
 * apart. Also: the web process's resident memory (RSS) with no streams, with every stream open,
 * and its peak.
 */
import { fork, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { applyActivity } from "../../src/races/store.js";
import { createSimulator } from "../../src/simulator/index.js";
import { activityDetailJson } from "../../src/simulator/serialize.js";
import { stravaActivitySchema } from "../../src/strava/types.js";
import { startProcess, stopProcess } from "../../test/ops/processes.js";
import { connectSimAthlete } from "../../test/support/connect.js";
import { createTestContext, type TestContext } from "../../test/support/context.js";
import { simulatorEnv } from "../../test/support/sim-env.js";
import { cleanupScope, onCleanup, runBench } from "./lib/cleanup.js";
import { benchDatabase } from "./lib/postgres.js";
import { printTable, summarize } from "./lib/stats.js";

const { values } = parseArgs({
  options: {
    streams: { type: "string", default: "1000,5000" },
    rounds: { type: "string", default: "30" },
    "client-processes": { type: "string", default: "2" },
  },
});
const STREAMS = values.streams.split(",").map(Number);
const ROUNDS = Number(values.rounds);
const PROCESSES = Number(values["client-processes"]);
const WARM_UP = 3;
/** A change that has not reached every stream by then is a failure, not a slow sample. */
const ARRIVAL_TIMEOUT_MS = 30_000;
const GOALS: Record<number, string> = { 1000: "p95 < 100 ms", 5000: "p95 < 500 ms" };
const CLIENTS = path.join(path.dirname(fileURLToPath(import.meta.url)), "fanout", "clients.ts");
const now = () => performance.timeOrigin + performance.now();

interface Viewers {
  opened: Promise<void>;
  /** Resolves with every stream's arrival time (epoch ms) of the race change about `activityId`. */
  arrival(activityId: number): Promise<number[]>;
}

await runBench(async () => {
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(" ")} (${cpus().length} cores)`);
  const pg = await benchDatabase();
  onCleanup(() => pg.stop());
  const sim = createSimulator();
  // Every viewer connects from 127.0.0.1: the per-address stream cap is lifted to the largest count measured.
  const maxStreams = String(Math.max(...STREAMS));
  const env = {
    DATABASE_URL: pg.url, ...simulatorEnv(sim, "http://127.0.0.1:9"), DASHBOARD_VISIBILITY: "public", LOG_LEVEL: "warn",
    SSE_MAX_STREAMS_PER_IP: maxStreams, SSE_MAX_STREAMS_PER_SESSION: maxStreams,
  };
  const source = createTestContext(pg.url, { env });
  onCleanup(() => source.close());
  const { athleteId } = await connectSimAthlete(source.ctx, sim, {});
  await shareOnBoard(source, athleteId);

  const rows: Array<Record<string, string | number>> = [];
  for (const streams of STREAMS) {
    const release = cleanupScope();
    const web = await startProcess("web", env);
    onCleanup(() => stopProcess(web));
    const idle = await rssOf(web.pid);
    console.log(`${streams} streams: opening them from ${PROCESSES} processes…`);
    const viewers = startViewers(web.url, streams);
    await viewers.opened;
    const open = await rssOf(web.pid);
    const perDelivery: number[] = [];
    const toAll: number[] = [];
    const upserts: number[] = [];
    for (let round = 0; round < WARM_UP + ROUNDS; round++) {
      const race = sim.createActivity(athleteId, { sport_type: "Run", workout_type: 1, name: `Fan-out ${streams} #${round}` });
      const arrived = viewers.arrival(race.id);
      const begun = now();
      await applyActivity(source.verbDb, stravaActivitySchema.parse(activityDetailJson(race)));
      const committed = now();
      const times = await arrived;
      if (round < WARM_UP) continue;
      for (const t of times) perDelivery.push(t - committed);
      toAll.push(Math.max(...times) - committed);
      upserts.push(committed - begun);
    }
    const d = summarize(perDelivery);
    const all = summarize(toAll);
    rows.push({
      streams, deliveries: d.n, "p50 ms": d.p50.toFixed(1), "p95 ms": d.p95.toFixed(1), "max ms": d.max.toFixed(1),
      "last stream p95 ms": all.p95.toFixed(1), "upsert+commit p50 ms": summarize(upserts).p50.toFixed(1),
      "RSS idle MB": idle.rss, "RSS open MB": open.rss, "RSS peak MB": (await rssOf(web.pid)).peak, goal: GOALS[streams] ?? "",
    });
    await release();
  }
  printTable(`Race change → every open dashboard stream, one web process (${ROUNDS} changes after ${WARM_UP} warm-up, viewers in ${PROCESSES} other processes)`, rows);
});

/** Forks the viewer processes, `streams` streams spread over them. */
function startViewers(url: string, streams: number): Viewers {
  const children: ChildProcess[] = [];
  const waiting = new Map<number, { times: number[]; reports: number; resolve: (t: number[]) => void }>();
  const early = new Map<number, number[][]>();
  const opened: Array<Promise<void>> = [];
  for (let i = 0; i < PROCESSES; i++) {
    const count = Math.floor(streams / PROCESSES) + (i < streams % PROCESSES ? 1 : 0);
    const child = fork(CLIENTS, [], { execArgv: ["--import", "tsx", "--no-warnings"] });
    children.push(child);
    onCleanup(async () => void child.kill());
    opened.push(new Promise((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`a viewer process exited (${code})`)));
      child.on("message", (m: { opened?: number; arrived?: { activityId: number; at: number[] } }) => {
        if (m.opened !== undefined) resolve();
        if (m.arrived) report(m.arrived.activityId, m.arrived.at);
      });
    }));
    child.send({ open: { url, count } });
  }
  function report(activityId: number, at: number[]): void {
    const w = waiting.get(activityId);
    if (!w) return void early.set(activityId, [...(early.get(activityId) ?? []), at]);
    w.times.push(...at);
    if (++w.reports === PROCESSES) {
      waiting.delete(activityId);
      w.resolve(w.times);
    }
  }
  return {
    opened: Promise.all(opened).then(() => undefined),
    arrival: (activityId) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`race ${activityId} did not reach every stream within ${ARRIVAL_TIMEOUT_MS} ms`)), ARRIVAL_TIMEOUT_MS);
        waiting.set(activityId, { times: [], reports: 0, resolve: (t) => (clearTimeout(timer), resolve(t)) });
        for (const at of early.get(activityId) ?? []) report(activityId, at);
        early.delete(activityId);
      }),
  };
}

/** The athlete says yes to the club board where that consent exists, so their races reach every viewer. */
async function shareOnBoard(source: TestContext, athleteId: number): Promise<void> {
  const [column] = await source.verbDb.execute<{ n: number }>(sql`
    select count(*)::int as n from information_schema.columns where table_name = 'athletes' and column_name = 'share_on_board'`);
  if (column!.n > 0) await source.verbDb.execute(sql`update athletes set share_on_board = true where strava_id = ${athleteId}`);
}

/** Resident memory now and at its peak (MB), from /proc. */
async function rssOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: Math.round(kb("VmRSS") / 1024), peak: Math.round(kb("VmHWM") / 1024) };
}
