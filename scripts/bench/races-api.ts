// Benchmark: GET /api/races latency at 1M races, and the web process' memory (RSS).
// npx tsx scripts/bench/races-api.ts [--races 1000000] [--requests 2000]
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { Pool } from "undici";
import { freePort } from "../../test/support/net.js";
import { benchDatabase } from "./lib/postgres.js";
import { load, ms, printTable, summarize } from "./lib/stats.js";

const { values } = parseArgs({ options: { races: { type: "string", default: "1000000" }, requests: { type: "string", default: "2000" } } });
const RACES = Number(values.races);
const REQUESTS = Number(values.requests);
const ATHLETES = 2000;

const db = await benchDatabase();
const sql = postgres(db.url, { max: 1, onnotice: () => {} });
console.log(`seeding ${RACES.toLocaleString()} races for ${ATHLETES} athletes…`);
let t = performance.now();
await seed(sql);
console.log(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);

// Measured as deployed: the compiled service (`npm run build`), not the TypeScript loader.
console.log("compiling the service (tsc -p tsconfig.build.json)…");
execFileSync("node_modules/.bin/tsc", ["-p", "tsconfig.build.json"], { stdio: "inherit" });
const port = await freePort();
const child = spawn("node", ["dist/main.js", "--role", "web"], {
  env: {
    ...process.env, DATABASE_URL: db.url, PORT: String(port), DASHBOARD_VISIBILITY: "public", LOG_LEVEL: "warn", NODE_ENV: "production",
    STRAVA_CLIENT_ID: "1", STRAVA_CLIENT_SECRET: "bench", STRAVA_VERIFY_TOKEN: "bench", SESSION_SECRET: "b".repeat(40), TOKEN_ENCRYPTION_KEY: "ab".repeat(32),
  },
  stdio: ["ignore", "inherit", "inherit"],
});
await waitForHealth(port);

const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 10 });
const page = async (query: string) => {
  const res = await pool.request({ method: "GET", path: `/api/races?${query}` });
  const body = (await res.body.json()) as { next_cursor: string | null };
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${JSON.stringify(body)}`);
  return body;
};
const deepCursor = await walk(page, 20);
const variants: Record<string, (i: number) => string> = {
  "newest page (limit 50)": () => "limit=50",
  "20 pages deep (cursor)": () => `limit=50&cursor=${deepCursor}`,
  "one athlete": (i) => `athlete_id=${1 + (i % ATHLETES)}&limit=50`,
  "10K preset": () => "min_distance=9800&max_distance=10500&limit=50",
  "date range (one month)": () => "from=2017-03-01&to=2017-03-31&limit=50",
};
const rows = [];
for (const [name, query] of Object.entries(variants)) {
  await load(100, 10, (i) => page(query(i)).then(() => {})); // warm up
  const r = await load(REQUESTS, 10, (i) => page(query(i)).then(() => {}));
  const s = summarize(r.latencies);
  rows.push({ query: name, "req/s": Math.round(REQUESTS / r.seconds), p50: ms(s.p50), p95: ms(s.p95), p99: ms(s.p99) });
}
const rss = readStatus(child.pid!);
printTable(`GET /api/races at ${RACES.toLocaleString()} races (10 concurrent clients; goal p95 < 30 ms)`, rows);
printTable("web process memory (goal < 200 MB)", [{ "RSS now": `${rss.VmRSS}`, "peak RSS": `${rss.VmHWM}` }]);

await pool.close();
child.kill("SIGTERM");
await new Promise((r) => child.once("exit", r));
await sql.end();
await db.stop();

async function seed(s: postgres.Sql) {
  await s`insert into athletes (strava_id, firstname, lastname, share_on_board) select g, 'Runner', g::text, true from generate_series(1, ${ATHLETES}) g`;
  await s`
    insert into races (strava_activity_id, athlete_id, name, sport_type, workout_type, distance, moving_time, elapsed_time,
                       total_elevation_gain, start_date, start_date_local, timezone, average_heartrate, max_heartrate)
    select 10000000000 + g, 1 + (g % ${ATHLETES}), 'Race ' || g, 'Run', 1,
           (array[5000, 10000, 21097.5, 42195])[1 + (g % 4)], 1200 + (g % 9000), 1250 + (g % 9000), g % 300,
           timestamptz '2016-01-01' + (g * interval '4 minutes'), '2016-01-01T00:00:00Z', '(GMT+00:00) Europe/London', 150 + g % 30, 180 + g % 15
    from generate_series(1, ${RACES}) g`;
  await s`vacuum analyze races`;
}

async function walk(get: (q: string) => Promise<{ next_cursor: string | null }>, pages: number): Promise<string> {
  let cursor = "";
  for (let i = 0; i < pages; i++) cursor = (await get(`limit=50${cursor ? `&cursor=${cursor}` : ""}`)).next_cursor ?? "";
  return cursor;
}

function readStatus(pid: number): Record<string, string> {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const entries = text.split("\n").map((l) => l.split(":").map((p) => p.trim()) as [string, string]);
  const kb = (v: string | undefined) => `${(Number.parseInt(v ?? "0", 10) / 1024).toFixed(0)} MB`;
  const map = Object.fromEntries(entries);
  return { VmRSS: kb(map.VmRSS), VmHWM: kb(map.VmHWM) };
}

async function waitForHealth(p: number) {
  for (let i = 0; i < 200; i++) {
    if (await fetch(`http://127.0.0.1:${p}/readyz`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("racesync did not become ready");
}
