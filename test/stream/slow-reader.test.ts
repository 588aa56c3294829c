import { once } from "node:events";
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RaceJson } from "../../src/contract/races.js";
import { publishAll, type FeedMessage } from "../../src/stream/feed.js";
import { startProcess, stopProcess, type RacesyncProcess } from "../ops/processes.js";
import { parsePrometheus, valueOf } from "../ops/prometheus.js";
import { startHarness, type Harness } from "../support/harness.js";
import { readSse } from "../support/sse.js";
import { waitFor } from "../support/wait.js";

const CHANGES = 5000;
const MB = 1024;

let h: Harness;
let web: RacesyncProcess;

beforeAll(async () => {
  h = await startHarness();
  const env = { ...h.env, DASHBOARD_VISIBILITY: "public", LOG_LEVEL: "warn" };
  web = await startProcess("web", Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)));
}, 90_000);
afterAll(async () => {
  if (web) await stopProcess(web);
  await h.close();
});

/** The web process's memory in kB: resident now (VmRSS) or at its peak (VmHWM). */
function memoryKb(field: "VmRSS" | "VmHWM"): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(readFileSync(`/proc/${web.pid}/status`, "utf8"))![1]);
}

async function openStreams(): Promise<number> {
  return valueOf(parsePrometheus(await (await fetch(`${web.url}/metrics`)).text()), "racesync_sse_clients");
}

// Long but plausible names make each message about 1 KB (5 MB in all). On loopback the kernel's
// socket buffers take some 3-4 MB of a stalled connection before the server sees any backpressure;
// 5,000 short messages (about 520 bytes) would all fit there and never reach the server's own bound.
const NAME = "Sunday long-run club: Spring Half Marathon along the river, pacing group 1:45, with a stop at the finish-line party ".repeat(2).trim();
let nextId = 9_000_000_000;
function raceChange(athleteId: number): FeedMessage {
  const data: RaceJson = {
    strava_activity_id: ++nextId, athlete: { strava_id: athleteId, name: "Anastasia Montgomery-Fitzgerald" }, name: NAME,
    event_name: NAME, sport_type: "Run", distance: 21097.5, moving_time: 5400, elapsed_time: 5460,
    total_elevation_gain: 87.3, start_date: "2026-04-12T08:00:00Z", start_date_local: "2026-04-12T10:00:00Z",
    timezone: "(GMT+01:00) Europe/Paris", average_heartrate: 168.2, max_heartrate: 184, visibility: "everyone", on_board: true,
  };
  return { event: "race.upserted", athlete_id: athleteId, board: { before: true, after: true }, data };
}

/** Publishes `count` race changes through Postgres, as workers do, in statements of 250. */
async function publishRaces(count: number): Promise<void> {
  for (let sent = 0; sent < count; sent += 250) {
    await publishAll(h.verbDb, Array.from({ length: Math.min(250, count - sent) }, () => raceChange(42)));
  }
}

/** A client that asks for the stream, then never reads a byte of the answer. */
async function stalledClient(base: string): Promise<{ socket: Socket; closed: Promise<unknown> }> {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  socket.on("error", () => {}); // a reset is how the server ends it
  // Not events.once: it rejects on the 'error' (ECONNRESET) that comes before 'close' on Node 24.
  const closed = new Promise((resolve) => socket.once("close", resolve));
  await once(socket, "connect");
  socket.pause();
  socket.write(`GET /api/stream HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`);
  return { socket, closed };
}

describe("a dashboard stream whose client never reads", () => {
  it(`is closed while ${CHANGES} race changes flow, and the server's memory stays bounded`, async () => {
    const reader = readSse(await fetch(`${web.url}/api/stream`));
    await publishRaces(200); // warm-up: the code paths are compiled, the pools filled
    for (let i = 0; i < 200; i++) await reader.next();
    const before = memoryKb("VmRSS");

    const stalled = await stalledClient(web.url);
    await waitFor(async () => (await openStreams()) === 2, "the stalled client's stream to open");
    // A reading client gets every change meanwhile. Changes go out 250 at a time, each batch once it has
    // read the previous one: a reader that falls a whole send buffer behind is closed too, by design.
    let read = 0;
    const received = (async () => {
      for (; read < CHANGES; read++) await reader.next();
    })();
    for (let sent = 0; sent < CHANGES; sent += 250) {
      await publishRaces(250);
      await Promise.race([received, waitFor(async () => read >= sent + 250, "the reading client to keep up")]);
    }
    await received;
    const after = memoryKb("VmRSS");
    const peak = memoryKb("VmHWM");

    await waitFor(async () => (await openStreams()) === 1, "the server to close the stalled stream");
    stalled.socket.resume(); // it reads at last: the connection is gone
    await stalled.closed;
    console.info(`web process RSS: ${(before / MB).toFixed(1)} MB before, ${(after / MB).toFixed(1)} MB after ${CHANGES} changes (peak ${(peak / MB).toFixed(1)} MB)`);
    expect(after - before).toBeLessThan(30 * MB);
    await reader.cancel();
  }, 120_000);
});
