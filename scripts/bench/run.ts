/**
 * `npm run bench`: every benchmark, one after the other, each in its own process so that none
 * disturbs another's figures. Pass names to run a subset: `npm run bench -- ingest realtime`;
 * options after `--` go to the named benchmarks: `npm run bench -- capacity -- --athletes 150,400`.
 */
import { spawnSync } from "node:child_process";

const BENCHES: Record<string, { what: string; args: string[] }> = {
  ingest: { what: "webhook ingest vs a plain-INSERT server, 50 connections", args: [] },
  realtime: { what: "event → race on an open dashboard; Strava calls per event", args: ["--events", "200"] },
  onboarding: { what: "200 athletes × 1,000 activities under compressed limits, 2 worker processes", args: [] },
  "races-api": { what: "GET /api/races at 1M races; web process memory", args: [] },
  capacity: { what: "athletes served on Strava's default limits: a compressed week per club size", args: [] },
  fanout: { what: "a race change to 1,000 and 5,000 open dashboard streams on one web process", args: [] },
};

const separator = process.argv.indexOf("--", 2);
const names = separator < 0 ? process.argv.slice(2) : process.argv.slice(2, separator);
const passed = separator < 0 ? [] : process.argv.slice(separator + 1);
const wanted = names.filter((a) => !a.startsWith("-"));
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; choose from ${Object.keys(BENCHES).join(", ")}`);
  process.exit(2);
}
let failed = 0;
for (const [name, bench] of Object.entries(BENCHES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n━━ ${name}: ${bench.what}`);
  const started = Date.now();
  const result = spawnSync("node", ["--import", "tsx", "--no-warnings", `scripts/bench/${name}.ts`, ...bench.args, ...passed], { stdio: "inherit" });
  console.log(`━━ ${name} ${result.status === 0 ? "done" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
