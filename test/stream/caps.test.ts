import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLog } from "../../src/log.js";
import { startFeedListener, type FeedListener } from "../../src/stream/listener.js";
import { startHarness, type Harness } from "../support/harness.js";
import { Browser, signIn } from "../support/sign-in.js";
import { waitFor } from "../support/wait.js";

let h: Harness;
let feed: FeedListener;
let server: ServerType;
let url: string;
let ana: Browser, ben: Browser;
const open: Response[] = [];

beforeAll(async () => {
  h = await startHarness({ env: { SSE_MAX_STREAMS_PER_SESSION: "2", SSE_MAX_STREAMS_PER_IP: "3" } });
  feed = await startFeedListener(h.db.url, createLog("silent"));
  h.rebuild({ feed });
  ana = await signIn(h, h.sim.seedAthlete({ firstname: "ana" }).id);
  ben = await signIn(h, h.sim.seedAthlete({ firstname: "ben" }).id);
  // Over a real socket: the per-address cap reads the peer's address.
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: (req, env) => h.app.fetch(req, env), port: 0, hostname: "127.0.0.1" }, (info) => resolve(info.port));
  });
  url = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await Promise.all(open.map((res) => res.body?.cancel()));
  await feed.close();
  await new Promise((resolve) => server.close(resolve));
  await h.close();
});

const cookieOf = (browser: Browser) => [...browser.cookies].map(([k, v]) => `${k}=${v}`).join("; ");

async function stream(browser: Browser): Promise<Response> {
  const res = await fetch(`${url}/api/stream`, { headers: { cookie: cookieOf(browser) } });
  if (res.ok) open.push(res);
  return res;
}

async function refusal(res: Response) {
  return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
}

describe("caps on open streams", () => {
  it("asks the browser to wait a few seconds before reconnecting (retry:)", async () => {
    const res = await stream(ana);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const retry = Number(/^retry: (\d+)$/m.exec(first)?.[1]);
    expect(retry).toBeGreaterThanOrEqual(2000);
    expect(retry).toBeLessThan(5000);
    await reader.cancel();
    open.pop();
    await waitFor(() => feed.subscriberCount() === 0, "the stream to close");
  });

  it("refuses a session's stream beyond SSE_MAX_STREAMS_PER_SESSION, and an address's beyond SSE_MAX_STREAMS_PER_IP", async () => {
    expect((await stream(ana)).status).toBe(200);
    expect((await stream(ana)).status).toBe(200);
    expect(await refusal(await stream(ana))).toEqual({
      status: 429,
      body: { error: expect.objectContaining({ code: "TOO_MANY_STREAMS", message: expect.stringContaining("SSE_MAX_STREAMS_PER_SESSION") }) },
    });
    expect((await stream(ben)).status).toBe(200); // another session: its own cap, but the third stream of this address
    expect(await refusal(await stream(ben))).toEqual({
      status: 429,
      body: { error: expect.objectContaining({ code: "TOO_MANY_STREAMS", message: expect.stringContaining("SSE_MAX_STREAMS_PER_IP") }) },
    });
    expect(feed.subscriberCount()).toBe(3);

    await open.shift()!.body!.cancel(); // one of ana's closes: its slots are free again
    await waitFor(() => feed.subscriberCount() === 2, "the closed stream to be released");
    expect((await stream(ben)).status).toBe(200);
  });
});
