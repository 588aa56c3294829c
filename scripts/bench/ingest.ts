/**
 * Webhook ingest benchmark: racesync's POST /webhooks/strava/:secret (store + add_job, group commit)
 * against a baseline of the same server (racesync's HTTP plumbing) doing one plain INSERT per request, under the same HTTP load
 * (undici Pool, 50 connections, unique valid events, fixed duration, load from a child process).
 *
 *   npx tsx scripts/bench/ingest.ts            (BENCH_SECONDS=10, BENCH_DATABASE_URL optional)
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { serve, type ServerType } from "@hono/node-server";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { Pool } from "undici";
import { loadConfig } from "../../src/config.js";
import { createContext } from "../../src/service.js";
import { connectDatabase } from "../../src/db/client.js";
import { createApp, createBaseApp } from "../../src/app.js";
import { createLog } from "../../src/log.js";
import { webhookPath, webhookSecret } from "../../src/webhooks/credentials.js";
import { freePort } from "../../test/support/net.js";
import { benchDatabase } from "./lib/postgres.js";
import { ms, printTable, summarize } from "./lib/stats.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;

interface LoadResult { sent: number; ok: number; seconds: number; p50: number; p99: number }

async function main(): Promise<void> {
  const pg = await benchDatabase();
  try {
    const baseline = await measure("baseline", await baselineServer(pg.url), 1);
    const racesync = await measure("racesync", await racesyncServer(pg.url), 2);
    const ratio = racesync.ok / racesync.seconds / (baseline.ok / baseline.seconds);
    printTable(`Webhook ingest, ${CONNECTIONS} connections, ${SECONDS} s each`, [row("baseline: one plain INSERT", baseline), row("racesync POST /webhooks/strava/:secret", racesync)]);
    const p99 = racesync.p99 <= baseline.p99 ? "no worse than" : "WORSE than";
    console.log(`throughput ratio racesync / baseline: ${ratio.toFixed(2)} (target ≥ 0.70); p99 ${ms(racesync.p99)}, ${p99} the baseline's ${ms(baseline.p99)} (target: no worse)`);
  } finally {
    await pg.stop();
  }
}

const row = (name: string, r: LoadResult) => ({
  server: name,
  "events/s": Math.round(r.ok / r.seconds),
  p50: ms(r.p50),
  p99: ms(r.p99),
  "non-200": r.sent - r.ok,
});

interface Target { url: string; /** where events are POSTed */ path: string; stop(): Promise<void> }

async function measure(name: string, target: Target, runId: number): Promise<LoadResult> {
  try {
    const child = fork(fileURLToPath(import.meta.url), ["--load", target.url, target.path, String(SECONDS), String(runId)], { execArgv: ["--import", "tsx"] });
    const result = await new Promise<LoadResult>((resolve, reject) => {
      child.once("message", (m) => resolve(m as LoadResult));
      child.once("exit", (code) => reject(new Error(`${name} load generator exited (${code})`)));
    });
    child.kill();
    return result;
  } finally {
    await target.stop();
  }
}

/** The reference: the same server (racesync's HTTP plumbing), but each request is one plain INSERT. */
async function baselineServer(url: string): Promise<Target> {
  const { ctx, close } = benchContext(url);
  // A plain postgres.js client with prepared statements: the simplest fast way to store an event.
  const sql = postgres(url, { max: 10, onnotice: () => {} });
  await sql`create table if not exists bench_events (id bigserial primary key, payload jsonb not null, received_at timestamptz not null default now())`;
  const app = createBaseApp(ctx);
  const path = webhookPath("baseline-secret");
  app.post(path, async (c) => {
    const body = await c.req.json();
    await sql`insert into bench_events (payload) values (${sql.json(body)})`;
    return c.json({ ok: true });
  });
  return listen(app.fetch, path, async () => {
    await sql.end();
    await close();
  });
}

/** The whole racesync web app (every middleware), no worker: only ingest is measured. */
async function racesyncServer(url: string): Promise<Target> {
  const { ctx, close } = benchContext(url);
  await ctx.db.execute(sql`insert into athletes (strava_id) values (1000) on conflict do nothing`);
  return listen(createApp(ctx, { web: true }).fetch, webhookPath(await webhookSecret(ctx.db)), close);
}

function benchContext(url: string) {
  const config = loadConfig({ STRAVA_VERIFY_TOKEN: "bench", LOG_LEVEL: "silent" });
  const database = connectDatabase(url);
  return { ctx: createContext(config, database, createLog("silent")), close: () => database.close() };
}

async function listen(fetch: (req: Request) => Response | Promise<Response>, path: string, close: () => Promise<void>): Promise<Target> {
  const port = await freePort();
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch, port, hostname: "127.0.0.1" }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    path,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())).then(close),
  };
}

/** Child process: keeps 50 connections busy with unique valid events for `seconds`. */
async function runLoad(url: string, path: string, seconds: number, runId: number): Promise<void> {
  const pool = new Pool(url, { connections: CONNECTIONS });
  const latencies: number[] = [];
  let sent = 0;
  let ok = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        const n = sent++;
        const event = { aspect_type: "create", event_time: 1_760_000_000 + n, object_id: runId * 1e9 + n, object_type: "activity", owner_id: 1000, subscription_id: 1, updates: {} };
        const t = performance.now();
        const res = await pool.request({ method: "POST", path, headers: { "content-type": "application/json" }, body: JSON.stringify(event) });
        await res.body.dump();
        latencies.push(performance.now() - t);
        if (res.statusCode === 200) ok++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  const s = summarize(latencies);
  process.send!({ sent, ok, seconds: elapsed, p50: s.p50, p99: s.p99 } satisfies LoadResult);
}

if (process.argv[2] === "--load") await runLoad(process.argv[3]!, process.argv[4]!, Number(process.argv[5]), Number(process.argv[6]));
else await main();
