/**
 * A process of dashboard viewers for the fan-out benchmark (forked with IPC): opens `count` streams
 * on GET /api/stream and, once every stream has a change, sends the parent when each one received
 * it (epoch ms, sub-millisecond, comparable across processes on one machine).
 *
 *   parent → { open: { url, count } }      child → { opened: count }
 *   child → { arrived: { activityId, at: number[] } }
 */
import http from "node:http";

const BATCH = 100;
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const now = () => performance.timeOrigin + performance.now();
const ID = /"strava_activity_id":(\d+)/;

let expected = 0;
const arrivals = new Map<number, number[]>();

process.on("message", (message: { open?: { url: string; count: number } }) => {
  if (message.open) void openAll(message.open.url, message.open.count);
});
process.on("disconnect", () => process.exit(0));

async function openAll(url: string, count: number): Promise<void> {
  expected = count;
  for (let i = 0; i < count; i += BATCH) await Promise.all(Array.from({ length: Math.min(BATCH, count - i) }, () => openStream(url)));
  process.send!({ opened: count });
}

/** Resolves once the server has said ": connected"; then hears race.upserted messages until the end. */
function openStream(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/api/stream`, { agent, headers: { accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`GET /api/stream answered ${res.statusCode}`));
      res.setEncoding("utf8");
      let buffer = "";
      res.on("data", (chunk: string) => {
        const at = now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (message.startsWith(": connected")) resolve();
          else if (message.includes("event: race.upserted")) arrived(message, at);
        }
      });
      res.on("error", () => {});
    });
    req.on("error", reject);
  });
}

function arrived(message: string, at: number): void {
  const id = Number(ID.exec(message)?.[1]);
  const times = arrivals.get(id) ?? [];
  times.push(at);
  arrivals.set(id, times);
  if (times.length === expected) {
    arrivals.delete(id);
    process.send!({ arrived: { activityId: id, at: times } });
  }
}
