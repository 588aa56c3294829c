import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A reverse proxy in front of racesync that can drop the open streams and refuse new ones, as during a deploy. */
export interface FlakyProxy {
  url: string;
  /** Answers 502 to every GET /api/stream from now on (until `refuseStreams(false)`). */
  refuseStreams(refuse: boolean): void;
  /** How many stream requests it refused so far. */
  refused(): number;
  /** Cuts every open /api/stream connection. */
  dropStreams(): void;
  close(): Promise<void>;
}

export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const streams = new Set<Socket>();
  let refusing = false;
  let refused = 0;
  const isStream = (req: IncomingMessage) => req.url?.split("?")[0] === "/api/stream";

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (isStream(req) && refusing) {
      refused++;
      res.writeHead(502, { "content-type": "text/html" }).end("<h1>502 Bad Gateway</h1>");
      return;
    }
    if (isStream(req)) {
      streams.add(req.socket);
      req.socket.once("close", () => streams.delete(req.socket));
    }
    const upstream = request(new URL(req.url!, target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refuseStreams: (refuse) => void (refusing = refuse),
    refused: () => refused,
    dropStreams: () => streams.forEach((socket) => socket.destroy()),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
