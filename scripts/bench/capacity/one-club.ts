/**
 * One club size through one compressed week: onboarding first (each athlete connects with a short
 * history; measuring starts at the first simulated midnight after every backfill finished, so
 * onboarding spends a previous day's budget), then the week, then a drain (no uploads) in which
 * late work may still land.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { waitFor } from "../../../test/support/wait.js";
import { connectSimAthlete } from "../../../test/support/connect.js";
import type { RequestRecord } from "../../../src/simulator/index.js";
import { benchDatabase } from "../lib/postgres.js";
import { cleanupScope, onCleanup } from "../lib/cleanup.js";
import { classifyCalls, tally, type CallTally } from "./calls.js";
import { DAY, formatSim, HOUR, SimClock, type Compression } from "./clock.js";
import { playWeek } from "./drive.js";
import { explainSlowLateRaces, freshness, type Freshness } from "./freshness.js";
import { dropJobWaits, noteJobWaits, readObserved } from "./observe.js";
import { startCompressedStack, type CompressedStack } from "./stack.js";
import { planWeek } from "./week.js";

export interface ClubOptions {
  athletes: number;
  compression: Compression;
  days: number;
  drainDays: number;
  seed: number;
  workers: number;
  /** STRAVA_CLUB_ID set to the simulator's club. */
  clubFeed: boolean;
}

export interface ClubResult {
  athletes: number;
  days: number;
  uploads: number;
  /** Calls of the week (uploads' days), by kind. */
  week: CallTally;
  /** 429s from the first midnight to the end of the drain. */
  rateLimited: number;
  onboarding: CallTally;
  fresh: Freshness;
  maxLagMs: number;
  /** The longest a due job waited for a worker (simulated seconds): the machine's, not Strava's, limit. */
  backlog: number;
}

const HISTORY = { count: 3, raceShare: 0.03 };
/** Strava's default daily read limit, which the compressed stack runs on. */
const DAILY_READS = 1000;

export async function runClub(o: ClubOptions, say: (line: string) => void): Promise<ClubResult> {
  const release = cleanupScope();
  const pg = await benchDatabase();
  onCleanup(() => pg.stop());
  const stack = await startCompressedStack(pg.url, o.compression, o.seed, o.workers, o.clubFeed);
  const requests: RequestRecord[] = [];
  stack.sim.onRequest((r) => requests.push(r));

  const onboardingFrom = Date.now();
  say(`connecting ${o.athletes} athletes (${HISTORY.count} past activities each) and waiting for their backfills`);
  const athletes = await connectAll(stack, o, say);
  await noteJobWaits(stack.sql);
  stack.sim.faults.dropEvents(0.01);
  const clock = SimClock.nextDay(o.compression, 500);
  say(`backfills done in ${((Date.now() - onboardingFrom) / 1000).toFixed(1)} s; day 0 starts in ${((clock.startMs - Date.now()) / 1000).toFixed(1)} s`);

  const happenings = planWeek({
    athletes, days: o.days, drainDays: o.drainDays, runsPerDay: 0.7, raceShare: 0.03, lateShare: 1 / 3,
    lateMaxSeconds: 6 * 3600, plannerTickSeconds: stack.plannerTickSeconds, seed: o.seed,
  });
  const endMs = clock.realMs((o.days + o.drainDays) * DAY);
  let backlogMs = 0;
  const watch = setInterval(() => void dueJobsLateness(stack).then((ms) => (backlogMs = Math.max(backlogMs, ms)), () => {}), o.compression.windowMs * 4);
  const played = await playWeek(stack, clock, happenings, (day) => say(`${progress(day, o, requests, clock)}; worst job start delay so far ${formatSim(clock.scale(backlogMs))}`));
  await new Promise((r) => setTimeout(r, Math.max(0, endMs - Date.now())));
  clearInterval(watch);

  const delivered = new Set(stack.sim.deliveries.log.filter((d) => d.delivered && d.event.aspect_type === "create").map((d) => d.event.object_id));
  const dropped = new Set(stack.sim.deliveries.dropped.map((e) => e.object_id));
  const observed = await readObserved(stack.sql);
  const calls = classifyCalls(requests, delivered, observed.syncs);
  say(await workSummary(stack));
  for (const line of explainSlowLateRaces(clock, played.uploads, observed, calls, 2 * HOUR)) say(`late-marked race over 2 h: ${line}`);
  await keepLogs(stack, o.athletes);
  await dropJobWaits(stack.sql);
  await release(); // the service, the simulator, then the database
  return {
    athletes: o.athletes,
    days: o.days,
    uploads: played.uploads.length,
    week: tally(calls, clock.startMs, clock.realMs(o.days * DAY)),
    rateLimited: tally(calls, clock.startMs, endMs).rateLimited,
    onboarding: tally(calls, 0, clock.startMs),
    fresh: freshness(clock, played.uploads, dropped, observed, endMs),
    maxLagMs: played.maxLagMs,
    backlog: clock.scale(backlogMs),
  };
}

async function connectAll(stack: CompressedStack, o: ClubOptions, say: (line: string) => void): Promise<number[]> {
  const history = { ...HISTORY, start: new Date(Date.now() - o.compression.dayMs), spacingHours: 30 / o.compression.factor };
  const ids: number[] = [];
  for (let i = 0; i < o.athletes; i++) ids.push((await connectSimAthlete(stack.service.ctx, stack.sim, { history })).athleteId);
  // Each backfill costs 2 calls (the page and the empty one after it), paced by the planner over the day's budget.
  const days = Math.ceil((2 * o.athletes) / DAILY_READS) + 1;
  let done = 0;
  const report = setInterval(() => say(`${done} of ${o.athletes} backfills done`), o.compression.dayMs / 2);
  try {
    await waitFor(async () => {
      const [row] = await stack.sql<{ done: number }[]>`select count(*)::int as done from sync_runs where kind = 'backfill' and status = 'succeeded'`;
      done = row!.done;
      return done === o.athletes;
    }, () => `every backfill to succeed (${done} of ${o.athletes} did)`, Math.max(60_000, days * o.compression.dayMs * 1.5));
  } finally {
    clearInterval(report);
  }
  return ids;
}

/**
 * How late the most overdue waiting job is (real ms): jobs the service scheduled that no worker has
 * started. Large values mean this machine cannot keep up with the compressed load.
 */
async function dueJobsLateness(stack: CompressedStack): Promise<number> {
  const [row] = await stack.sql<{ ms: number }[]>`
    select coalesce(extract(epoch from max(now() - run_at)) * 1000, 0)::float8 as ms from graphile_worker._private_jobs
    where run_at <= now() and locked_at is null and attempts < max_attempts`;
  return row!.ms;
}

/** What the service did and left: sync runs by kind and status, jobs still queued by task. */
async function workSummary(stack: CompressedStack): Promise<string> {
  const runs = await stack.sql<{ kind: string; status: string; n: number }[]>`
    select kind, status, count(*)::int as n from sync_runs group by 1, 2 order by 1, 2`;
  const jobs = await stack.sql<{ task: string; n: number }[]>`
    select t.identifier as task, count(*)::int as n from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id group by 1 order by 1`;
  const list = (rows: Array<{ n: number }>, name: (r: never) => string) => rows.map((r) => `${name(r as never)} ${r.n}`).join(", ") || "none";
  return `sync runs: ${list(runs, (r: { kind: string; status: string }) => `${r.kind}/${r.status}`)}; jobs still queued: ${list(jobs, (r: { task: string }) => r.task)}`;
}

/** BENCH_CAPACITY_LOGS=dir keeps the web and worker processes' output of each club size there. */
async function keepLogs(stack: CompressedStack, athletes: number): Promise<void> {
  const dir = process.env.BENCH_CAPACITY_LOGS;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, `web-${athletes}.log`), stack.web.output());
  for (const [i, worker] of stack.workers.entries()) await writeFile(path.join(dir, `worker-${athletes}-${i + 1}.log`), worker.output());
}

function progress(day: number, o: ClubOptions, requests: RequestRecord[], clock: SimClock): string {
  const from = clock.realMs((day - 1) * DAY);
  const yesterday = requests.filter((r) => r.at >= from && r.at < clock.realMs(day * DAY) && r.path.startsWith("/api/v3/"));
  const limited = yesterday.filter((r) => r.status === 429).length;
  const phase = day < o.days ? `day ${day}` : `drain day ${day - o.days + 1}`;
  return day === 0 ? `${phase} begins` : `${phase} begins; the previous day: ${yesterday.length} API calls, ${limited} × 429`;
}
