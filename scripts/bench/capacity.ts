/**
 * Capacity benchmark: how many athletes today's design serves on a new Strava app's default limits
 * (100 reads / 15 min, 1,000 / day). Each club size lives a simulated week in compressed time against
 * the simulator (the real service: one web and two worker processes, real Postgres); see capacity/.
 * The longest a due job waited to start is shown: a large figure may mean the machine was the limit.
 *
 *   npx tsx scripts/bench/capacity.ts [--athletes 150,270,400,600,800] [--compression 2400] [--days 7] [--drain 1] [--seed 7] [--workers 2] [--club-feed on|off]
 *   (or BENCH_CAPACITY_ATHLETES, BENCH_CAPACITY_COMPRESSION)
 *
 * Capacity = the largest N holding all of: zero 429s; webhook races visible p95 < 1 min; races marked
 * after upload visible p90 < 2 h; every athlete reconciled within 7 days; dropped webhooks repaired
 * within 7 days.
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { runBench } from "./lib/cleanup.js";
import { CALL_KINDS } from "./capacity/calls.js";
import { compression, DAY, formatSim, HOUR } from "./capacity/clock.js";
import { runClub, type ClubResult } from "./capacity/one-club.js";
import { printTable } from "./lib/stats.js";

const { values } = parseArgs({
  options: {
    athletes: { type: "string", default: process.env.BENCH_CAPACITY_ATHLETES ?? "150,270,400,600,800" },
    compression: { type: "string", default: process.env.BENCH_CAPACITY_COMPRESSION ?? "2400" },
    days: { type: "string", default: "7" },
    drain: { type: "string", default: "1" },
    seed: { type: "string", default: "7" },
    workers: { type: "string", default: "2" },
    // on: STRAVA_CLUB_ID names the simulator's club, whose feed answers follow-ups; off: each athlete's own list calls.
    "club-feed": { type: "string", default: "on" },
  },
});
const sizes = values.athletes.split(",").map((n) => Number(n.trim()));
const c = compression(Number(values.compression));
const days = Number(values.days);
const drainDays = Number(values.drain);
const clubFeed = values["club-feed"] === "on";
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !(c.factor > 0) || !(days > 0) || !(drainDays >= 0) || !["on", "off"].includes(values["club-feed"])) {
  console.error("usage: capacity.ts [--athletes 150,270,400] [--compression 2400] [--days 7] [--drain 1] [--club-feed on|off]");
  process.exit(2);
}

if (process.env.BENCH_DATABASE_URL && sizes.length > 1) {
  // Each club size needs an empty database; a throwaway embedded one is started per size otherwise.
  console.error("with BENCH_DATABASE_URL, give one club size per run (--athletes 600): the database is not emptied between sizes");
  process.exit(2);
}

/** A due job waiting longer than this to start deserves a look: the machine may not keep up with the compression. */
const MACHINE_BOUND = 15 * 60;

const CRITERIA: Array<{ name: string; holds: (r: ClubResult) => boolean }> = [
  { name: "zero 429s", holds: (r) => r.rateLimited === 0 },
  // No sample (a small club's short run may have no such race): nothing contradicts the criterion.
  { name: "webhook races p95 < 1 min", holds: (r) => r.fresh.webhookRaces.n === 0 || r.fresh.webhookRaces.p95 < 60 },
  { name: "late-marked races p90 < 2 h", holds: (r) => r.fresh.lateRaces.n === 0 || r.fresh.lateRaces.p90 < 2 * HOUR },
  { name: "every athlete reconciled within 7 d", holds: (r) => r.fresh.reconcile.never === 0 && r.fresh.reconcile.maxGap <= 7 * DAY },
  { name: "dropped webhooks repaired within 7 d", holds: (r) => r.fresh.dropped.late === 0 },
];

await runBench(async () => {
  console.log(`load average at start: ${loadavg().map((l) => l.toFixed(1)).join(" ")} (${cpus().length} cores)`);
  console.log(`1 simulated hour = ${((3600 * 1000) / c.factor / 1000).toFixed(2)} real s (×${c.factor.toFixed(0)}); 15-min window ${c.windowMs} ms, day ${c.dayMs / 1000} s; ${days} days + ${drainDays} drain`);
  console.log(clubFeed ? "follow-ups through the club's feed (STRAVA_CLUB_ID set)" : "follow-ups by each athlete's own list calls (STRAVA_CLUB_ID unset)");
  const results: ClubResult[] = [];
  for (const athletes of sizes) {
    const started = Date.now();
    const say = (line: string) => console.log(`[N=${athletes} +${((Date.now() - started) / 1000).toFixed(0)} s] ${line}`);
    results.push(await runClub({ athletes, compression: c, days, drainDays, seed: Number(values.seed), workers: Number(values.workers), clubFeed }, say));
    say("done");
  }
  report(results);
});

function report(results: ClubResult[]): void {
  const perAthleteDay = (r: ClubResult, n: number) => (n / r.athletes / r.days).toFixed(2);
  printTable("Strava read calls per athlete per day, by kind (the week's days; onboarding before day 0 apart)", results.map((r) => ({
    N: r.athletes,
    uploads: r.uploads,
    ...Object.fromEntries(CALL_KINDS.map((k) => [k, perAthleteDay(r, r.week.byKind[k])])),
    total: perAthleteDay(r, r.week.total),
    "of the 1,000/day": `${((r.week.total / r.days / 1000) * 100).toFixed(0)}%`,
    "429s": r.rateLimited,
    "onboarding calls": r.onboarding.total,
  })));
  printTable("Freshness (simulated time)", results.map((r) => ({
    N: r.athletes,
    "webhook races (n)": r.fresh.webhookRaces.n,
    "webhook p50": formatSim(r.fresh.webhookRaces.p50),
    "webhook p95": formatSim(r.fresh.webhookRaces.p95),
    "late-marked (n)": r.fresh.lateRaces.n,
    "late p90": formatSim(r.fresh.lateRaces.p90),
    "late max": formatSim(r.fresh.lateRaces.max),
    "max reconcile gap": formatSim(r.fresh.reconcile.maxGap),
    "never reconciled": r.fresh.reconcile.never,
    "dropped (repaired/pending/late)": `${r.fresh.dropped.n} (${r.fresh.dropped.repaired}/${r.fresh.dropped.pending}/${r.fresh.dropped.late})`,
    "repair max": formatSim(r.fresh.dropped.max),
  })));
  printTable("Criteria", results.map((r) => ({
    N: r.athletes,
    ...Object.fromEntries(CRITERIA.map((k) => [k.name, k.holds(r) ? "yes" : "NO"])),
    "worst job start delay": formatSim(r.backlog),
  })));
  for (const r of results) {
    if (r.backlog > MACHINE_BOUND) console.log(`check N=${r.athletes}: a due job waited up to ${formatSim(r.backlog)} to start (a burst of jobs released when a budget window reopened, or a machine too slow for this compression: compare with a lower --compression)`);
  }
  for (const r of results) if (r.maxLagMs > c.windowMs) console.log(`note: at N=${r.athletes} the driver ran up to ${r.maxLagMs.toFixed(0)} ms behind schedule (${formatSim((r.maxLagMs * c.factor) / 1000)} simulated)`);
  const holding = (holds: (r: ClubResult) => boolean) => results.filter(holds).map((r) => r.athletes);
  const best = (ns: number[]) => (ns.length > 0 ? String(Math.max(...ns)) : "none of the tested N");
  console.log("\nLargest tested N per criterion:");
  for (const k of CRITERIA) console.log(`  ${k.name.padEnd(38)} ${best(holding(k.holds))}`);
  console.log(`\nCAPACITY (all criteria): ${best(holding((r) => CRITERIA.every((k) => k.holds(r))))} athletes (tested: ${results.map((r) => r.athletes).join(", ")})`);
}
